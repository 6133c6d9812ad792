/** Quiet on purpose: opening a profile usually takes a moment, and a spinner would only flash. */
export function StartingScreen({ profile }: { readonly profile: string }) {
  return (
    <section className="boot-screen boot-starting" role="status" aria-live="polite" data-testid="boot-starting">
      <p>Opening profile “{profile}”…</p>
    </section>
  );
}
