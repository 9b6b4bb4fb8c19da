'use strict';
// The volume viewer of a case or study page: the scan in grey, one map on top (warm colours for positive relevance,
// blue to cyan for negative, nothing below the threshold), outlines, a second map side by side with a shared crosshair, and in
// a study the rater's drawing. Settings come from the page's JSON island; posts carry the anti-forgery token.
(() => {
  const config = JSON.parse(document.getElementById('viewer-config').textContent);
  const byId = (id) => document.getElementById(id);
  const token = document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';
  const thresholdInput = byId('threshold'), opacityInput = byId('opacity'), viewSelect = byId('view');
  const mapSelect = byId('map-select'), compareBox = byId('compare'), compareSelect = byId('compare-select');
  const status = { ready: false, compareReady: false };
  window.medexplainViewer = status;

  const fail = (what, e) => {
    const error = byId('viewer-error');
    error.hidden = false;
    error.textContent = `${what}: ${e && e.message ? e.message : e}`;
    status.error = error.textContent;
  };

  config.maps.forEach((m, i) => {
    mapSelect.add(new Option(m.label, String(i)));
    compareSelect?.add(new Option(m.label, String(i)));
  });
  if (compareSelect && config.maps.length > 1) compareSelect.value = '1';
  if (config.maps.length < 2) mapSelect.closest('label').hidden = true;

  const threshold = () => Number(thresholdInput.value);
  const opacity = () => Number(opacityInput.value);

  // The map as a NiiVue layer: its colour scale runs to the report's robust maximum; values below the threshold's
  // share of it stay transparent, so the scan shows through grey where the map is (near) zero.
  // A map that is zero everywhere (scale 0) has nothing to colour: it is loaded invisible and its caption says so,
  // rather than given a colour scale of zero width.
  const empty = (m) => !(m.max > 0);
  const layer = (m) => ({
    url: m.url,
    colormap: 'warm',
    colormapNegative: m.diverging ? 'blue2cyan' : '',
    cal_min: empty(m) ? 0 : Math.max(threshold() * m.max, m.max * 1e-6),
    cal_max: empty(m) ? 1 : m.max,
    opacity: empty(m) ? 0 : opacity(),
    trustCalMinMax: false,
  });
  const outline = (url, colormap) => ({ url, colormap, cal_min: 0.1, cal_max: 0.2, opacity: 1, trustCalMinMax: false, colorbarVisible: false });

  const make = async (canvas) => {
    // Radiological convention (patient's right on the viewer's left), as the reports' figures.
    const nv = new niivue.Niivue({ isResizeCanvas: true, show3Dcrosshair: true, isColorbar: true, isRadiologicalConvention: true, backColor: [0, 0, 0, 1], crosshairColor: [1, 0, 0, 0.7] });
    await nv.attachToCanvas(canvas);
    return nv;
  };

  const load = async (nv, mapIndex) => {
    const volumes = [{ url: config.scan, colormap: 'gray', colorbarVisible: false }, layer(config.maps[mapIndex])];
    if (config.lesionOutline) volumes.push(outline(config.lesionOutline, 'green'));
    if (config.atlasOutline) volumes.push(outline(config.atlasOutline, 'violet'));
    await nv.loadVolumes(volumes);
    nv.setInterpolation(true);
    return nv;
  };

  const views = () => ({ multiplanar: niivue.SLICE_TYPE.MULTIPLANAR, axial: niivue.SLICE_TYPE.AXIAL, coronal: niivue.SLICE_TYPE.CORONAL, sagittal: niivue.SLICE_TYPE.SAGITTAL, render: niivue.SLICE_TYPE.RENDER });
  const setView = (nv) => nv.setSliceType(views()[viewSelect.value]);
  const caption = (id, mapIndex) => {
    const m = config.maps[mapIndex];
    byId(id).textContent = empty(m) ? `${m.label}: zero everywhere, nothing to show` : m.label;
  };

  const restyle = (nv, mapIndex) => {
    const m = config.maps[mapIndex], map = nv.volumes[1], shown = layer(m);
    map.cal_min = shown.cal_min;
    map.cal_max = shown.cal_max;
    map.opacity = shown.opacity;
    nv.updateGLVolume();
  };

  let main, compare;
  const start = async () => {
    main = await load(await make(byId('viewer-main')), 0);
    status.main = main;
    if (main.volumes[0].dims[3] === 1) {
      // A single slice: one plane, nothing to scroll through.
      viewSelect.value = 'axial';
      viewSelect.closest('label').hidden = true;
    }
    setView(main);
    caption('caption-main', 0);
    status.ready = true;
  };

  mapSelect.addEventListener('change', async () => {
    const i = Number(mapSelect.value);
    await main.removeVolume(main.volumes[1]);
    await main.addVolumeFromUrl(layer(config.maps[i]));
    main.setVolume(main.volumes[main.volumes.length - 1], 1);
    caption('caption-main', i);
    restyle(main, i);
    status.mapShown = config.maps[i].label;
  });
  thresholdInput.addEventListener('input', () => {
    byId('threshold-value').textContent = `${Math.round(threshold() * 100)}%`;
    restyle(main, Number(mapSelect.value));
    if (compare) restyle(compare, Number(compareSelect.value));
  });
  opacityInput.addEventListener('input', () => {
    restyle(main, Number(mapSelect.value));
    if (compare) restyle(compare, Number(compareSelect.value));
  });
  viewSelect.addEventListener('change', () => { setView(main); if (compare) setView(compare); });

  const showCompare = async () => {
    const pane = byId('pane-compare');
    pane.hidden = !compareBox.checked;
    if (!compareBox.checked) return;
    status.compareReady = false;
    if (!compare) {
      compare = await make(byId('viewer-compare'));
      main.broadcastTo(compare, { '2d': true, '3d': true });
      compare.broadcastTo(main, { '2d': true, '3d': true });
    }
    compare.volumes.slice().forEach((v) => compare.removeVolume(v));
    await load(compare, Number(compareSelect.value));
    setView(compare);
    caption('caption-compare', Number(compareSelect.value));
    status.compare = compare;
    status.compareReady = true;
  };
  compareBox?.addEventListener('change', () => {
    // Side by side shows another map than the main one, unless the user picks otherwise.
    if (compareBox.checked && compareSelect.value === mapSelect.value) compareSelect.value = String((Number(mapSelect.value) + 1) % config.maps.length);
    showCompare().catch((e) => fail('The second map could not be shown', e));
  });
  compareSelect?.addEventListener('change', () => showCompare().catch((e) => fail('The second map could not be shown', e)));

  if (config.drawing) {
    const drawButton = byId('draw'), drawStatus = byId('drawing-status');
    let drawing = false;
    const pen = (value) => { main.setDrawingEnabled(true); main.setPenValue(value, false); };
    drawButton.addEventListener('click', () => {
      drawing = !drawing;
      drawButton.setAttribute('aria-pressed', String(drawing));
      if (drawing) pen(1); else main.setDrawingEnabled(false);
    });
    byId('erase').addEventListener('click', () => { drawing = true; drawButton.setAttribute('aria-pressed', 'true'); pen(0); });
    byId('undo').addEventListener('click', () => main.drawUndo());
    byId('save-drawing').addEventListener('click', async () => {
      drawStatus.textContent = 'saving…';
      try {
        if (!main.drawBitmap) main.createEmptyDrawing();
        const nifti = await main.saveImage({ filename: '', isSaveDrawing: true });
        const response = await fetch(config.drawing.save, { method: 'POST', body: nifti, headers: { 'Content-Type': 'application/octet-stream', RequestVerificationToken: token } });
        const answer = response.ok ? await response.json() : null;
        drawStatus.textContent = response.ok ? `saved (${answer.voxels} voxels)` : `not saved: ${await response.text()}`;
        status.drawingSaved = response.ok;
      } catch (e) {
        drawStatus.textContent = 'not saved';
        fail('The drawing could not be saved', e);
      }
    });
    status.loadDrawing = async () => {
      const response = await fetch(config.drawing.load);
      if (response.ok) await main.loadDrawingFromUrl(config.drawing.load);
      return response.ok;
    };
  }

  start()
    .then(() => (config.drawing ? status.loadDrawing() : null))
    .then(() => { status.loaded = true; })
    .catch((e) => fail('The viewer could not start (it needs WebGL2)', e));
})();
