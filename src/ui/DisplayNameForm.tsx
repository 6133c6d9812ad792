import { useNode } from '../node/hooks.ts';
import { InlineTextForm } from './InlineTextForm.tsx';
import { useOwnName } from './use-own-name.ts';

/**
 * Changing this authority's display name: the node states the new one to this account's devices and to
 * every channel's members (latest wins), so every reader's `names.nameOf` shows it.
 */
export function DisplayNameForm() {
  const node = useNode();
  const current = useOwnName();
  if (current === null) return null;
  return (
    <InlineTextForm
      className="display-name-form"
      label="Change display name"
      submitLabel="Save name"
      inputTestId="display-name-edit-input"
      submitTestId="save-display-name"
      write={(name) => node.names.setDisplayName(name)}
      unchanged={current}
      placeholder={current}
    />
  );
}
