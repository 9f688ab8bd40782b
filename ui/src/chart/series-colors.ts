// A distinct, stable colour for each series index (golden-angle hues), readable on light and dark backgrounds.

export function seriesColor(index: number, dark: boolean): string {
  const hue = (index * 137.508) % 360;
  return `hsl(${hue.toFixed(1)} ${dark ? 70 : 65}% ${dark ? 62 : 42}%)`;
}
