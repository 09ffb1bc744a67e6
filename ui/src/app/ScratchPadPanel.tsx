// The main area without an account: the Scratch Pad, said plainly. Its workspace
// (collections, requests) arrives with the local store; nothing is faked here.
export function ScratchPadPanel() {
  return (
    <section className="card" aria-labelledby="scratch-pad-title">
      <h1 id="scratch-pad-title" className="card-title">
        Scratch Pad
      </h1>
      <p>Work here stays on this device. Sign in to sync.</p>
    </section>
  );
}
