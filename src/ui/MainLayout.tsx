import { useEffect, useState } from 'react';
import type { ChannelId } from '../core/ids.ts';
import { useNode, useNodeQuery } from '../node/hooks.ts';
import { composerOf } from './channel-composer.ts';
import { ChannelSidebar } from './ChannelSidebar.tsx';
import { MessagePane } from './MessagePane.tsx';
import { useSelectedChannel } from './use-selected-channel.ts';

interface Props {
  /** The channel whose composer takes focus: one just created here, or opened from a contact (cleared by any other selection). */
  readonly composerFocus: ChannelId | null;
  readonly setComposerFocus: (id: ChannelId | null) => void;
}

/**
 * Sidebar beside the messages on wide screens; on narrow ones the sidebar is a toggled panel above them
 * (CSS decides which; the toggle only matters when it is visible).
 */
export function MainLayout({ composerFocus, setComposerFocus }: Props) {
  const node = useNode();
  const channels = useNodeQuery((n) => n.channels()).data;
  const [selected, select] = useSelectedChannel(channels);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const current = channels.find((c) => c.id === selected) ?? null;
  // With no channel there is nothing behind the sidebar, so narrow screens show it straight away.
  const expanded = sidebarOpen || current === null;

  // Sends a reload interrupted resume in every channel, not only in the one on screen.
  useEffect(() => {
    for (const c of channels) composerOf(node, c.id);
  }, [node, channels]);

  function onSelect(id: ChannelId) {
    select(id);
    setSidebarOpen(false);
    setComposerFocus(null);
  }

  return (
    <main className={expanded ? 'layout sidebar-open' : 'layout'}>
      <div className="sidebar-toggle-bar">
        <button
          type="button"
          className="button sidebar-toggle"
          aria-expanded={expanded}
          aria-controls="channel-sidebar"
          onClick={() => setSidebarOpen((o) => !o)}
        >
          <span aria-hidden="true">☰ </span>Channels
        </button>
        <span className="sidebar-toggle-current">
          {current ? (
            <>
              # <span dir="auto">{current.name}</span>
            </>
          ) : (
            'No channel selected'
          )}
        </span>
      </div>
      <ChannelSidebar
        id="channel-sidebar"
        channels={channels}
        selected={selected}
        onSelect={onSelect}
        onCreated={(id) => {
          onSelect(id);
          setComposerFocus(id);
        }}
      />
      {current ? (
        <MessagePane key={current.id} channel={current} focusComposer={current.id === composerFocus} />
      ) : (
        <section className="pane pane-empty" aria-label="Messages">
          <p>No channels yet. Create one, or join one with a code, to start a conversation.</p>
        </section>
      )}
    </main>
  );
}
