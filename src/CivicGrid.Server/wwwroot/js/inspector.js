// The inspector's patrol page (/inspector). Plain script over the signed-in API (the session
// cookie goes with every same-origin request); Leaflet (window.L) is served from /lib/leaflet.
// Everything from the server or the user is set as text (textContent), never as HTML.
//
// Positions: browsers' geolocation reports WGS-84 and the district's boundaries are WGS-84, so
// the page sends coordinateSystem=wgs84.
//
// A request that fails (no network, a server error) keeps the form as it is and offers a retry.
// Every POST carries an Idempotency-Key and a body that is byte-for-byte the same on a retry (the
// multipart body is built here with a boundary derived from the key), so a retry after a lost
// answer gets the first answer back instead of filing the case twice.

const app = document.getElementById('ip-app');
const texts = JSON.parse(app.dataset.texts || '{}');
const t = (name) => texts[name] ?? name;
const english = app.dataset.lang === 'en';
const $ = (id) => document.getElementById(id);
const L = window.L;

// ---- shared helpers -------------------------------------------------------------------------

function newKey() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/-/g, '');
}

/** A multipart/form-data body whose bytes depend only on the fields, the files and the boundary. */
function multipart(fields, files, boundary) {
    const parts = [];
    for (const [name, value] of fields) {
        if (value === null || value === undefined || value === '') {
            continue;
        }
        parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`, String(value), '\r\n');
    }
    for (const f of files) {
        parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.fileName}"\r\nContent-Type: ${f.blob.type || 'application/octet-stream'}\r\n\r\n`, f.blob, '\r\n');
    }
    parts.push(`--${boundary}--\r\n`);
    return new Blob(parts);
}

/**
 * Sends a request; resolves to { ok, status, data } for any answer, and { ok: false, offline: true }
 * when none came (network down) or the server failed (5xx): both are worth a retry.
 */
async function send(url, options) {
    let response;
    try {
        response = await fetch(url, { credentials: 'same-origin', ...options });
    } catch {
        return { ok: false, offline: true };
    }
    if (response.status === 401) {
        window.location.assign('/login?ReturnUrl=' + encodeURIComponent('/inspector'));
        return { ok: false, status: 401 };
    }
    const data = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, offline: response.status >= 500, data };
}

function postJson(url, body, key) {
    return send(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) });
}

function postMultipart(url, fields, files, key) {
    const boundary = '----civicgrid' + key;
    return send(url, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=' + boundary, 'Idempotency-Key': key },
        body: multipart(fields, files, boundary),
    });
}

function problemText(result) {
    if (result.offline) {
        return t('offline');
    }
    const problem = result.data;
    if (!problem) {
        return t('failed');
    }
    const messages = problem.errors ? Object.values(problem.errors).flat() : [problem.detail || problem.title];
    return `${t('failed')}: ${messages.join(' ')}`;
}

function show(element, text) {
    element.textContent = text || '';
    element.hidden = !text;
}

let toastTimer = null;
function toast(text) {
    const box = $('ip-toast');
    show(box, text);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => show(box, ''), 3000);
}

function metres(d) {
    return d >= 1000 ? `${(d / 1000).toFixed(1)} k${t('metres')}` : `${Math.round(d)} ${t('metres')}`;
}

/** A photo small enough to send over a weak connection: at most 1600 px on the long side, JPEG. */
async function preparePhoto(file) {
    const maxSide = 1600;
    let bitmap;
    try {
        bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
        // Not decodable here (e.g. HEIC): send it as taken; the server checks the content.
        return file;
    }
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= 1024 * 1024 && /^image\/(jpeg|png|webp)$/.test(file.type)) {
        bitmap.close?.();
        return file;
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob ?? file;
}

function baseMap(id) {
    const map = L.map(id, { zoomSnap: 0.25, minZoom: 9, maxZoom: 19, attributionControl: Boolean(app.dataset.tileUrl) });
    if (app.dataset.tileUrl) {
        L.tileLayer(app.dataset.tileUrl, { maxZoom: 19, attribution: app.dataset.tileAttribution || '' }).addTo(map);
    }
    const streets = L.geoJSON(JSON.parse(app.dataset.streets || '{"type":"FeatureCollection","features":[]}'), {
        style: () => ({ color: '#1f5fa8', weight: 1.5, fillColor: '#cfdff2', fillOpacity: app.dataset.tileUrl ? 0.12 : 0.6 }),
    }).addTo(map);
    if (streets.getLayers().length > 0) {
        map.fitBounds(streets.getBounds(), { padding: [4, 4] });
    } else {
        map.setView([39.92, 116.41], 13);
    }
    return map;
}

// ---- tabs -----------------------------------------------------------------------------------

const tabs = { report: $('ip-tab-report'), tasks: $('ip-tab-tasks') };
function selectTab(name) {
    for (const [key, tab] of Object.entries(tabs)) {
        const selected = key === name;
        tab.setAttribute('aria-selected', String(selected));
        $(tab.getAttribute('aria-controls')).hidden = !selected;
    }
    if (name === 'report') {
        map.invalidateSize();
    } else {
        loadTasks();
    }
}
tabs.report.addEventListener('click', () => selectTab('report'));
tabs.tasks.addEventListener('click', () => selectTab('tasks'));

// ---- position -------------------------------------------------------------------------------

const map = baseMap('ip-map');
let position = null; // { lon, lat, accuracy, manual }
let marker = null;
let circle = null;
let following = true;
let watchId = null;

function place(lon, lat, accuracy, manual) {
    const first = position === null;
    const moved = !position || distance(position, { lon, lat }) > 15;
    position = { lon, lat, accuracy, manual };
    const at = [lat, lon];
    if (!marker) {
        marker = L.circleMarker(at, { radius: 8, color: '#1f5fa8', weight: 3, fillColor: '#4a90e2', fillOpacity: 0.9 }).addTo(map);
        circle = L.circle(at, { radius: accuracy || 1, color: '#4a90e2', weight: 1, fillOpacity: 0.12 }).addTo(map);
    } else {
        marker.setLatLng(at);
        circle.setLatLng(at).setRadius(accuracy || 1);
    }
    $('ip-position').textContent = manual ? t('manualPlace') : t('accuracy').replace('{0}', String(Math.round(accuracy)));
    if (first) {
        map.setView(at, 17);
    } else if (!manual) {
        map.panTo(at);
    }
    if (moved) {
        loadComponents();
        if (!$('ip-tasks').hidden) {
            loadTasks();
        }
    }
}

function distance(a, b) {
    const dy = (b.lat - a.lat) * 111320;
    const dx = (b.lon - a.lon) * 111320 * Math.cos(((a.lat + b.lat) / 2) * Math.PI / 180);
    return Math.sqrt(dx * dx + dy * dy);
}

function follow() {
    following = true;
    if (!navigator.geolocation) {
        $('ip-position').textContent = t('positionFailed');
        return;
    }
    if (watchId !== null) {
        navigator.geolocation.clearWatch(watchId);
    }
    $('ip-position').textContent = t('locating');
    watchId = navigator.geolocation.watchPosition(
        (p) => { if (following) { place(p.coords.longitude, p.coords.latitude, p.coords.accuracy, false); } },
        () => { if (!position) { $('ip-position').textContent = t('positionFailed'); } },
        { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 });
}

map.on('click', (e) => {
    // A tap on the map is the place when the phone cannot tell it (or tells it wrong).
    following = false;
    place(e.latlng.lng, e.latlng.lat, 0, true);
});
$('ip-locate').addEventListener('click', follow);

// ---- report ---------------------------------------------------------------------------------

const form = $('ip-form');
const category = $('ip-category');
const description = $('ip-description');
const submit = $('ip-submit');
const report = { photo: null, componentId: null, key: null, prefilled: '' };

function formChanged() {
    // A changed form is a new request: it gets a new Idempotency-Key (and position) when sent.
    report.key = null;
    report.sentFrom = null;
}

function categoryName(code) {
    const option = category.querySelector(`option[value="${CSS.escape(code)}"]`);
    return option ? (english ? option.dataset.en : option.dataset.zh) : '';
}

function prefill(text) {
    // Only a description the inspector has not written themselves is replaced.
    if (description.value === '' || description.value === report.prefilled) {
        description.value = text;
        report.prefilled = text;
    }
}

function chooseCategory(code) {
    category.value = code;
    for (const chip of document.querySelectorAll('#ip-common .ip-chip')) {
        chip.setAttribute('aria-pressed', String(chip.dataset.code === code));
    }
    formChanged();
}

for (const chip of document.querySelectorAll('#ip-common .ip-chip')) {
    chip.addEventListener('click', () => {
        chooseCategory(chip.dataset.code);
        prefill(categoryName(chip.dataset.code));
    });
}
category.addEventListener('change', () => {
    chooseCategory(category.value);
    prefill(category.value ? categoryName(category.value) : '');
});
description.addEventListener('input', formChanged);

$('ip-photo').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    if (!file) {
        return;
    }
    const photo = await preparePhoto(file);
    report.photo = photo;
    formChanged();
    const preview = $('ip-photo-preview');
    if (preview.src) {
        URL.revokeObjectURL(preview.src);
    }
    preview.src = URL.createObjectURL(photo);
    preview.hidden = false;
    preview.onerror = () => { preview.hidden = true; };
    $('ip-photo-status').textContent = `${t('photoTaken')} · ${Math.round(photo.size / 1024)} KB`;
});

let componentsFor = null;
async function loadComponents() {
    if (!position) {
        return;
    }
    const at = { ...position };
    componentsFor = at;
    const result = await send(`/api/v1/components/nearby?lon=${at.lon}&lat=${at.lat}&radius=100&limit=8&coordinateSystem=wgs84`);
    if (componentsFor !== at || !result.ok) {
        return;
    }
    const list = $('ip-components');
    list.replaceChildren();
    for (const c of result.data) {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'ip-item';
        button.dataset.componentId = c.id;
        button.setAttribute('aria-pressed', String(report.componentId === c.id));
        const away = document.createElement('span');
        away.className = 'ip-distance';
        away.textContent = metres(c.distanceMetres);
        const name = document.createElement('strong');
        name.textContent = c.name;
        const meta = document.createElement('span');
        meta.className = 'ip-hint';
        meta.textContent = `${english ? c.categoryNameEn : c.categoryName} · ${c.id}`;
        button.append(away, name, meta);
        button.addEventListener('click', () => pickComponent(c, button));
        li.append(button);
        list.append(li);
    }
    const empty = $('ip-components-empty');
    empty.textContent = t('nearbyNone');
    empty.hidden = result.data.length > 0;
}

function pickComponent(c, button) {
    const picking = report.componentId !== c.id;
    report.componentId = picking ? c.id : null;
    for (const b of document.querySelectorAll('#ip-components .ip-item')) {
        b.setAttribute('aria-pressed', String(picking && b === button));
    }
    if (picking && c.caseCategoryCode) {
        chooseCategory(c.caseCategoryCode);
        prefill(`${categoryName(c.caseCategoryCode)}：${c.name}`);
    }
    formChanged();
}

// ---- a report waiting for the network outlives the page ---------------------------------------
// A report that could not be sent is kept in IndexedDB (with its photo and Idempotency-Key) under
// the signed-in user, so that closing or reloading the page loses nothing: the page restores it and
// sends it again, and the key makes the server file it once however many times it arrives.

const pendingKey = 'report:' + (app.dataset.user || '');

function outbox(mode, action) {
    return new Promise((resolve) => {
        let request;
        try {
            request = indexedDB.open('civicgrid-inspector', 1);
        } catch {
            resolve(null);
            return;
        }
        request.onupgradeneeded = () => request.result.createObjectStore('pending');
        request.onerror = () => resolve(null);
        request.onsuccess = () => {
            const db = request.result;
            const tx = db.transaction('pending', mode);
            const step = action(tx.objectStore('pending'));
            tx.oncomplete = () => { db.close(); resolve(step?.result ?? null); };
            tx.onerror = tx.onabort = () => { db.close(); resolve(null); };
        };
    });
}

const keepPending = () => outbox('readwrite', (store) => store.put({
    key: report.key, sentFrom: report.sentFrom, componentId: report.componentId, prefilled: report.prefilled,
    photo: report.photo, categoryCode: category.value, description: description.value,
}, pendingKey));
const dropPending = () => outbox('readwrite', (store) => store.delete(pendingKey));

async function restorePending() {
    const kept = await outbox('readonly', (store) => store.get(pendingKey));
    if (!kept || !kept.key) {
        return;
    }
    chooseCategory(kept.categoryCode || '');
    description.value = kept.description || '';
    Object.assign(report, { photo: kept.photo || null, componentId: kept.componentId || null, prefilled: kept.prefilled || '' });
    if (report.photo) {
        const preview = $('ip-photo-preview');
        preview.src = URL.createObjectURL(report.photo);
        preview.hidden = false;
        $('ip-photo-status').textContent = `${t('photoTaken')} · ${Math.round(report.photo.size / 1024)} KB`;
    }
    // The same request as before: same key, same place.
    report.key = kept.key;
    report.sentFrom = kept.sentFrom;
    toast(t('restored'));
    submitReport();
}

async function submitReport() {
    if (submit.disabled) {
        // Already sending (a tap on "retry" while the page retries by itself when back online).
        return;
    }
    const error = $('ip-error');
    show(error, '');
    $('ip-retry').hidden = true;
    if (!position && !report.sentFrom) {
        show(error, t('placeMissing'));
        return;
    }
    if (!category.value && !report.componentId) {
        show(error, t('categoryMissing'));
        return;
    }
    report.key ??= newKey();
    report.sentFrom ??= { ...position };
    submit.disabled = true;
    submit.textContent = t('submitting');
    try {
        const fields = [
            ['longitude', report.sentFrom.lon], ['latitude', report.sentFrom.lat], ['coordinateSystem', 'wgs84'],
            ['categoryCode', category.value], ['componentId', report.componentId], ['description', description.value.trim()],
        ];
        const files = report.photo ? [{ name: 'photos', fileName: 'photo.jpg', blob: report.photo }] : [];
        const result = await postMultipart('/api/v1/inspector/reports', fields, files, report.key);
        if (result.ok) {
            await dropPending();
            showReceipt(result.data);
            return;
        }
        show(error, problemText(result));
        $('ip-retry').hidden = !result.offline;
        if (result.offline) {
            await keepPending();
        } else {
            // Refused: the inspector corrects the form, which is then a new request.
            await dropPending();
            report.key = null;
            report.sentFrom = null;
        }
    } finally {
        submit.disabled = false;
        submit.textContent = t('submit');
    }
}

function showReceipt(receipt) {
    form.hidden = true;
    $('ip-case-number').textContent = receipt.number;
    $('ip-receipt').hidden = false;
    window.scrollTo(0, 0);
}

form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitReport();
});
$('ip-retry').addEventListener('click', submitReport);
window.addEventListener('online', () => {
    if (!$('ip-retry').hidden) {
        submitReport();
    }
});

$('ip-another').addEventListener('click', () => {
    Object.assign(report, { photo: null, componentId: null, key: null, prefilled: '', sentFrom: null });
    description.value = '';
    chooseCategory('');
    $('ip-photo').value = '';
    $('ip-photo-preview').hidden = true;
    $('ip-photo-status').textContent = '';
    for (const b of document.querySelectorAll('#ip-components .ip-item')) {
        b.setAttribute('aria-pressed', 'false');
    }
    $('ip-receipt').hidden = true;
    form.hidden = false;
    map.invalidateSize();
    loadComponents();
});

// ---- tasks ----------------------------------------------------------------------------------

let tasksFor = null;
async function loadTasks() {
    const status = $('ip-tasks-status');
    if (!position) {
        status.textContent = t('tasksWaiting');
        return;
    }
    const at = { ...position };
    tasksFor = at;
    const result = await send(`/api/v1/inspector/tasks?lon=${at.lon}&lat=${at.lat}&coordinateSystem=wgs84`);
    if (tasksFor !== at) {
        return;
    }
    if (!result.ok) {
        status.textContent = problemText(result);
        return;
    }
    showTasks(result.data);
}

function showTasks(tasks) {
    const list = $('ip-task-list');
    list.replaceChildren();
    for (const task of tasks) {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'ip-item';
        button.dataset.caseId = task.caseId;
        button.dataset.action = task.action;
        const away = document.createElement('span');
        away.className = 'ip-distance';
        away.textContent = metres(task.distanceMetres);
        const head = document.createElement('strong');
        const kind = document.createElement('span');
        kind.className = 'ip-kind' + (task.action === 'check' ? ' ip-check' : '');
        kind.textContent = t(task.action);
        head.append(kind, document.createTextNode((english ? task.categoryNameEn : task.categoryName) || task.categoryCode));
        const what = document.createElement('span');
        what.className = 'ip-hint';
        what.textContent = `${task.number} · ${task.description.slice(0, 60)}`;
        button.append(away, head, what);
        button.addEventListener('click', () => openTask(task));
        li.append(button);
        list.append(li);
    }
    $('ip-tasks-status').textContent = tasks.length === 0 ? t('tasksNone') : '';
    const badge = $('ip-task-count');
    badge.textContent = String(tasks.length);
    badge.hidden = tasks.length === 0;
}

$('ip-refresh').addEventListener('click', loadTasks);

const task = { current: null, passed: null, photo: null, attachmentId: null, uploadKey: null, key: null };
let taskMap = null;
let taskLayer = null;

async function openTask(item) {
    Object.assign(task, { current: item, passed: null, photo: null, attachmentId: null, uploadKey: null, key: null });
    $('ip-task-list-view').hidden = true;
    $('ip-task').hidden = false;
    $('ip-task-title').textContent = `${t(item.action)} · ${(english ? item.categoryNameEn : item.categoryName) || item.categoryCode}`;
    $('ip-task-meta').textContent = `${item.number} · ${metres(item.distanceMetres)} · ${t('reportedAt')} ${new Date(item.reportedAt).toLocaleString(english ? 'en' : 'zh-CN', { timeZone: 'Asia/Shanghai' })}`;
    $('ip-task-description').textContent = item.description;
    $('ip-task-question').textContent = t(item.action === 'verify' ? 'verifyQuestion' : 'checkQuestion');
    const [yes, no] = document.querySelectorAll('#ip-task-form .ip-answer');
    yes.textContent = t(item.action === 'verify' ? 'verifyTrue' : 'checkPassed');
    no.textContent = t(item.action === 'verify' ? 'verifyFalse' : 'checkFailed');
    for (const b of [yes, no]) {
        b.setAttribute('aria-pressed', 'false');
    }
    $('ip-task-note').value = '';
    $('ip-task-photo').value = '';
    $('ip-task-photo-status').textContent = '';
    show($('ip-task-error'), '');
    $('ip-task-retry').hidden = true;
    window.scrollTo(0, 0);

    if (!taskMap) {
        taskMap = baseMap('ip-task-map');
    }
    taskMap.invalidateSize();
    taskLayer?.remove();
    taskLayer = L.layerGroup([L.circleMarker([item.latitude, item.longitude], { radius: 9, color: '#c62828', weight: 3, fillOpacity: 0.6 })]);
    if (position) {
        taskLayer.addLayer(L.circleMarker([position.lat, position.lon], { radius: 7, color: '#1f5fa8', weight: 3, fillColor: '#4a90e2', fillOpacity: 0.9 }));
    }
    taskLayer.addTo(taskMap);
    taskMap.setView([item.latitude, item.longitude], 17);

    const photos = $('ip-task-photos');
    photos.replaceChildren();
    const detail = await send(`/api/v1/cases/${encodeURIComponent(item.caseId)}`);
    if (detail.ok && task.current === item) {
        for (const a of detail.data.attachments.filter((x) => x.contentType.startsWith('image/'))) {
            const img = document.createElement('img');
            img.src = a.url;
            img.alt = a.fileName;
            img.loading = 'lazy';
            photos.append(img);
        }
    }
}

function closeTask() {
    task.current = null;
    $('ip-task').hidden = true;
    $('ip-task-list-view').hidden = false;
}

$('ip-back').addEventListener('click', closeTask);
for (const answer of document.querySelectorAll('#ip-task-form .ip-answer')) {
    answer.addEventListener('click', () => {
        task.passed = answer.dataset.passed === 'true';
        task.key = null;
        for (const b of document.querySelectorAll('#ip-task-form .ip-answer')) {
            b.setAttribute('aria-pressed', String(b === answer));
        }
    });
}
$('ip-task-note').addEventListener('input', () => { task.key = null; });
$('ip-task-photo').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    if (!file) {
        return;
    }
    task.photo = await preparePhoto(file);
    task.attachmentId = null;
    task.uploadKey = null;
    task.key = null;
    $('ip-task-photo-status').textContent = `${t('photoTaken')} · ${Math.round(task.photo.size / 1024)} KB`;
});

async function sendTask() {
    const item = task.current;
    const error = $('ip-task-error');
    show(error, '');
    $('ip-task-retry').hidden = true;
    if (task.passed === null) {
        show(error, t('chooseAnswer'));
        return;
    }
    const button = $('ip-task-send');
    button.disabled = true;
    try {
        // The photo first (a retry after a lost answer gets the same attachment back), then the step.
        if (task.photo && !task.attachmentId) {
            task.uploadKey ??= newKey();
            const uploaded = await postMultipart(`/api/v1/cases/${encodeURIComponent(item.caseId)}/attachments`, [],
                [{ name: 'file', fileName: 'photo.jpg', blob: task.photo }], task.uploadKey);
            if (!uploaded.ok) {
                show(error, problemText(uploaded));
                $('ip-task-retry').hidden = !uploaded.offline;
                return;
            }
            task.attachmentId = uploaded.data.id;
        }
        task.key ??= newKey();
        const body = { action: item.action, passed: task.passed, note: $('ip-task-note').value.trim() || null, attachmentIds: task.attachmentId ? [task.attachmentId] : [] };
        const result = await postJson(`/api/v1/cases/${encodeURIComponent(item.caseId)}/transitions`, body, task.key);
        if (!result.ok) {
            show(error, problemText(result));
            $('ip-task-retry').hidden = !result.offline;
            if (!result.offline) {
                task.key = null;
            }
            return;
        }
        toast(`${t('sent')}: ${item.number}`);
        closeTask();
        loadTasks();
    } finally {
        button.disabled = false;
    }
}

$('ip-task-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sendTask();
});
$('ip-task-retry').addEventListener('click', sendTask);

follow();
restorePending();
