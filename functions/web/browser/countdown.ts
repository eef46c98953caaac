/** The privacy policy's minimum reading time, counted down (the server enforces it anyway). */
export function enhanceCountdowns(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-countdown]')) {
    const endsAt = Date.now() + Number(element.dataset.countdown) * 1000;
    const tick = () => {
      const left = Math.ceil((endsAt - Date.now()) / 1000);
      if (left <= 0) {
        element.textContent = element.dataset.doneText ?? '';
        return;
      }
      element.textContent = `Silakan baca dengan saksama. Anda dapat mengirim dalam ${left} detik.`;
      setTimeout(tick, 1000);
    };
    tick();
  }
}
