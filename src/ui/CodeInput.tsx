interface Props {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  /** While the ceremony the code started runs: the code is spent, a second one would only be refused. */
  readonly disabled: boolean;
}

/** Where a person pastes a code someone gave them (enrollment, invitation): no spell check, no autofill. */
export function CodeInput({ id, label, value, onChange, testId, disabled }: Props) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        disabled={disabled}
      />
    </>
  );
}
