// Moving between screens: every screen has a hash address (#/chat, #/documents, ...).

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}
