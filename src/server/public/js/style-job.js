// The style job the Styles tab follows: its event stream, and the poll that takes over when the stream breaks.
import { $, notice, state } from './common.js';

export const styleJob = { current: null, events: null, poll: null, misses: 0 };
const FINAL_JOB = ['done', 'failed', 'cancelled', 'timeout', 'stopped'];
function fmtSeconds(s) {
  if (!Number.isFinite(s)) return '';
  s = Math.max(0, Math.round(s));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
function styleTimes(values, final = false) {
  if (!values || values.elapsed === undefined) return '';
  const left = !final && values.eta !== undefined ? ` · about ${fmtSeconds(values.eta)} left` : '';
  return ` · ${fmtSeconds(values.elapsed)}${final ? '' : ' elapsed'}${left}`;
}
function styleStatusText(j) {
  if (j.status === 'queued') return `queued (position ${j.position + 1})`;
  return `${j.progress.message}${styleTimes(j.progress.values)}`;
}
function stopFollowing() {
  styleJob.events?.close();
  styleJob.events = null;
  clearTimeout(styleJob.poll);
  styleJob.poll = null;
}
function finishStyleJob(j) {
  stopFollowing();
  $('styles-cancel').disabled = true;
  $('styles-go').disabled = !state.status?.style?.ready;
  const words = { done: 'done', failed: `failed: ${j.error}`, cancelled: 'cancelled', timeout: j.error || 'timed out', stopped: j.error || 'stopped by the server' };
  $('styles-status').textContent = `${words[j.status] ?? j.status}${j.status === 'done' ? styleTimes(j.progress.values, true) : ''}`;
  if (j.status === 'done') $('styles-bar').style.width = '100%';
  if (j.status === 'stopped') notice($('styles-notice'), 'The server was shut down while your job ran, so it stopped. Press Paint to start it again.');
  document.body.dataset.styleJob = j.status;
}
/** The job is gone (the server restarted and forgot it): say so and give the controls back. */
function lostStyleJob(why) {
  stopFollowing();
  $('styles-cancel').disabled = true;
  $('styles-go').disabled = !state.status?.style?.ready;
  $('styles-status').textContent = 'lost';
  notice($('styles-notice'), why, 'error');
  document.body.dataset.styleJob = 'lost';
}
/**
 * After the event stream breaks: ask the server for the job every 2 s. A final status ends the job as
 * usual; 404 means the server restarted without it; a server that does not answer is retried for about
 * a minute, then the job is given up (the controls come back either way).
 */
async function pollStyleJob() {
  const job = styleJob.current;
  if (!job) return;
  let res = null;
  try {
    res = await fetch(`/api/style/jobs/${job.id}`, { cache: 'no-store' });
  } catch {
    res = null;
  }
  if (styleJob.current !== job) return;
  if (res && res.status === 404) {
    lostStyleJob('The server restarted and no longer knows this job, so it was lost. Press Paint to start it again.');
    return;
  }
  if (res && res.ok) {
    styleJob.misses = 0;
    const j = await res.json();
    if (FINAL_JOB.includes(j.status)) {
      finishStyleJob(j);
      return;
    }
    // The server is back and the job still runs: listen again.
    $('styles-status').textContent = styleStatusText(j);
    listenStyleJob(j);
    return;
  }
  styleJob.misses++;
  $('styles-status').textContent = `connection to the server lost; retrying (${styleJob.misses})…`;
  if (styleJob.misses >= 30) {
    lostStyleJob('The server stopped answering, so the job was given up. Press Paint to try again once it is back.');
    return;
  }
  styleJob.poll = setTimeout(pollStyleJob, 2000);
}
function listenStyleJob(job) {
  styleJob.events?.close();
  const es = new EventSource(job.events);
  styleJob.events = es;
  es.addEventListener('status', (ev) => {
    const j = JSON.parse(ev.data);
    if (FINAL_JOB.includes(j.status)) finishStyleJob(j);
    else $('styles-status').textContent = styleStatusText(j);
  });
  es.addEventListener('progress', (ev) => {
    const d = JSON.parse(ev.data);
    $('styles-bar').style.width = `${Math.round(d.progress.fraction * 100)}%`;
    $('styles-status').textContent = `${d.progress.message}${styleTimes(d.progress.values)}`;
  });
  es.addEventListener('preview', (ev) => {
    const d = JSON.parse(ev.data);
    const img = $('styles-preview');
    img.src = d.image;
    img.hidden = false;
    $('styles-previewbox').querySelector('.placeholder').hidden = true;
  });
  es.addEventListener('result', (ev) => {
    const d = JSON.parse(ev.data);
    $('styles-gallery-empty')?.remove();
    const fig = document.createElement('figure');
    fig.innerHTML = `<a href="${d.url}" target="_blank"><img alt="style image ${d.index + 1}" src="${d.url}"></a><figcaption><span>#${d.index + 1} · seed ${job.params?.seed ?? ''}</span><a href="${d.url}" download="style-${d.id}-${d.index}.png">PNG</a></figcaption>`;
    $('styles-gallery').prepend(fig);
    // The preview box shows the newest finished image.
    const img = $('styles-preview');
    img.src = d.url;
    img.hidden = false;
    $('styles-previewbox').querySelector('.placeholder').hidden = true;
  });
  es.onerror = () => {
    // The stream broke (server gone, restarted, or the job ended and the stream closed): find out by polling.
    if (styleJob.events !== es) return;
    es.close();
    styleJob.events = null;
    clearTimeout(styleJob.poll);
    styleJob.poll = setTimeout(pollStyleJob, 500);
  };
}
export function followJob(job) {
  stopFollowing();
  styleJob.current = job;
  styleJob.misses = 0;
  delete document.body.dataset.styleJob;
  $('styles-progress').hidden = false;
  $('styles-cancel').disabled = false;
  $('styles-go').disabled = true;
  $('styles-bar').style.width = '0%';
  $('styles-status').textContent = styleStatusText(job);
  listenStyleJob(job);
}

