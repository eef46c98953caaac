/**
 * Province → regency: the regency list (grouped by province in the page, so it works without
 * script) shows only the chosen province's entries.
 */
export function enhanceRegionChoice(): void {
  const province = document.querySelector<HTMLSelectElement>('select[data-region-province]');
  const city = document.querySelector<HTMLSelectElement>('select[data-region-city]');
  if (!province || !city) return;
  const groups = [...city.querySelectorAll('optgroup')].map((group) => ({
    province: group.label,
    options: [...group.querySelectorAll('option')].map((option) => ({ value: option.value, label: option.textContent ?? '' })),
  }));
  const placeholder = city.querySelector('option[value=""]')?.textContent ?? 'Pilih kabupaten/kota';
  const render = () => {
    const chosen = province.selectedOptions[0]?.textContent ?? '';
    const previous = city.value;
    const options = groups.find((group) => group.province === chosen)?.options ?? [];
    city.replaceChildren(new Option(placeholder, ''), ...options.map((option) => new Option(option.label, option.value, false, option.value === previous)));
  };
  province.addEventListener('change', render);
  render();
}
