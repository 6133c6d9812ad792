import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startBoot } from './node/boot.ts';
import { Root } from './ui/Root.tsx';
import './ui/app.css';

// Booted once per page load, outside React, so StrictMode's double effects never start a second node.
const booter = startBoot();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root booter={booter} />
  </StrictMode>,
);
