// Renderer entry: mounts the React app. Everything it knows comes through window.parley.
import '../shared/ipc/zod-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installEmojiFont } from './styles/emojiFont';
import './styles.css';

installEmojiFont();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
