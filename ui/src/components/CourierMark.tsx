// Courier's logo mark, drawn inline (the webview loads nothing but the bundle).
export function CourierMark({ size = 24 }: { size?: number }) {
  return (
    <svg
      className="courier-mark"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="12" r="11" fill="var(--accent)" />
      <path d="M6 12.5 17.5 7l-3.2 11-3-4.1L6 12.5Z" fill="var(--on-accent)" />
    </svg>
  );
}
