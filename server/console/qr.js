// A QR code of a text (a new device's setup line), drawn on a <canvas> from qrcode-generator (npm,
// pinned in package-lock.json; the build copies it to vendor/qrcode.mjs beside ECharts). Nothing
// is fetched from outside, and the canvas is drawn pixel by pixel (no markup from the library).
// Without the library the setup line alone is shown.
let library = null;  // the import, started at the first QR code
function load() {
  library ??= import('./vendor/qrcode.mjs').then((m) => m.default).catch(() => null);
  return library;
}

const SCALE = 4;  // pixels per module
const QUIET = 4;  // modules of white border, as the standard asks

// A canvas with the QR code of `text` (error correction M), labelled `label`; null when the
// library is missing.
export async function qrCanvas(text, label) {
  const qrcode = await load();
  if (!qrcode) return null;
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const size = (modules + 2 * QUIET) * SCALE;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.className = 'qr';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.dataset.modules = String(modules);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = '#000';
  for (let row = 0; row < modules; ++row) {
    for (let col = 0; col < modules; ++col) {
      if (qr.isDark(row, col)) ctx.fillRect((col + QUIET) * SCALE, (row + QUIET) * SCALE, SCALE, SCALE);
    }
  }
  return canvas;
}
