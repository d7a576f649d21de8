// Messages here are "中文 / English". These combine several such messages without mixing the
// languages: each half gathers its own language's parts.

/** The Chinese and English halves of a "中文 / English" message (the whole text for both when it has no " / "). */
export function halves(message: string): [chinese: string, english: string] {
  const at = message.indexOf(" / ");
  return at < 0 ? [message, message] : [message.slice(0, at), message.slice(at + 3)];
}

/** "甲；乙 / A; B" from ["甲 / A", "乙 / B"], each half led by its own prefix if given. */
export function joinBilingual(messages: readonly string[], prefix?: { chinese: string; english: string }): string {
  const parts = messages.map(halves);
  const chinese = parts.map(([zh]) => zh).join("；");
  const english = parts.map(([, en]) => en).join("; ");
  return prefix ? `${prefix.chinese}：${chinese} / ${prefix.english}: ${english}` : `${chinese} / ${english}`;
}
