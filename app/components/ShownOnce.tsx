/**
 * A secret (an API key, a webhook's signing secret) in the one answer that shows it: a heading,
 * the warning that it is not shown again, and a read-only field that selects itself on focus.
 */
export function ShownOnce({
  id,
  heading,
  warning,
  label,
  value,
}: {
  id: string;
  heading: string;
  warning: string;
  label: string;
  value: string;
}) {
  return (
    <section className="panel new-token" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <p role="status">
        <strong>{warning}</strong>
      </p>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="text"
          readOnly
          className="token-value"
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
    </section>
  );
}
