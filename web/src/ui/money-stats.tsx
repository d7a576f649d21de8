// A row of labelled money figures (a programme's budget, issued, held…), as a description list
// whose items wrap on narrow screens. Each item carries `data-figure` so pages and tests can name it.
import { Money } from "./amounts";

export interface MoneyFigure {
  key: string;
  label: string;
  fen: number;
}

export function MoneyStats({ figures, class: extra }: { figures: readonly MoneyFigure[]; class?: string }) {
  return (
    <dl class={extra ? `stats ${extra}` : "stats"}>
      {figures.map(({ key, label, fen }) => (
        <div key={key} data-figure={key}>
          <dt>{label}</dt>
          <dd>
            <Money fen={fen} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
