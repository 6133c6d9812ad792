/** This tab lost its profile to another tab; nothing runs here until it is reclaimed. */
export function TakenOverNotice({ reclaim }: { readonly reclaim: () => void }) {
  return (
    <section className="boot-screen notice" data-testid="taken-over-notice" aria-labelledby="taken-over-title">
      <h2 id="taken-over-title">Another tab took over this profile</h2>
      <p>This tab is paused. Reclaim the profile to run it here again; the other tab will pause instead.</p>
      <button type="button" className="button primary" data-testid="reclaim" onClick={reclaim}>
        Reclaim
      </button>
    </section>
  );
}
