/** A second tab on a live profile: only one node may own a profile's database at a time (Web Locks). */
export function LockedNotice({ takeOver }: { readonly takeOver: () => void }) {
  return (
    <section className="boot-screen notice" data-testid="lock-notice" aria-labelledby="lock-notice-title">
      <h2 id="lock-notice-title">This profile is open in another tab</h2>
      <p>Only one tab at a time can run a profile. Take it over here and the other tab will pause.</p>
      <button type="button" className="button primary" data-testid="take-over" onClick={takeOver}>
        Take over here
      </button>
    </section>
  );
}
