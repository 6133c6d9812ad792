/** Placeholder shell until the in-browser node exists (next issue): it only says what this build is. */
export function App() {
  return (
    <main className="shell">
      <h1>Aura Web</h1>
      <p>The deterministic core is built and tested; the in-browser node and its screens come next.</p>
    </main>
  );
}
