// Amounts as people read them. Pure; integer arithmetic only (fen never passes through a float).

/** "¥1,234.56" from 123456 fen. */
export function formatCny(amountFen: number): string {
  const negative = amountFen < 0;
  const fen = BigInt(Math.abs(amountFen));
  const yuan = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (fen % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}¥${yuan}.${cents}`;
}
