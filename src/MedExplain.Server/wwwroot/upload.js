'use strict';
// An upload's progress: asks the server every second how far the explanation is, and opens the case when it is done.
(() => {
  const config = JSON.parse(document.getElementById('upload-config').textContent);
  const status = document.getElementById('upload-status'), bar = document.getElementById('upload-progress'), error = document.getElementById('upload-error');
  const poll = async () => {
    const response = await fetch(config.status);
    if (!response.ok) { error.hidden = false; error.textContent = 'The upload is gone.'; return; }
    const state = await response.json();
    if (state.error) { error.hidden = false; error.textContent = state.error; return; }
    if (state.status === 'done') { window.location.assign(config.view); return; }
    status.textContent = state.status;
    bar.value = state.fraction;
    setTimeout(poll, 1000);
  };
  poll().catch((e) => { error.hidden = false; error.textContent = String(e); });
})();
