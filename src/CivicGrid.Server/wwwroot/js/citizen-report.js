// The citizen report page (/report). Plain script over the public API; Leaflet (window.L) is served
// by the server from /lib/leaflet. Everything the page shows from the server or the user is set as
// text (textContent), never as HTML, so a script typed into a description stays inert.
//
// Positions: Leaflet shows the district's own WGS-84 boundaries and browsers' geolocation reports
// WGS-84, so the page sends coordinateSystem=wgs84. Apps that hold GCJ-02 (WeChat, Chinese map
// apps) send gcj02 to the same API and the server converts.

const form = document.getElementById('cz-report');
const t = (name) => form.dataset['t' + name] ?? '';
const api = '/api/v1/public';
const lon = document.getElementById('cz-lon');
const lat = document.getElementById('cz-lat');
const crs = document.getElementById('cz-crs');
const placeText = document.getElementById('cz-place');
const description = document.getElementById('cz-description');
const category = document.getElementById('cz-category');
const errorBox = document.getElementById('cz-error');
const submit = document.getElementById('cz-submit');

const L = window.L;
const map = L.map('cz-map', { zoomSnap: 0.25, minZoom: 9, maxZoom: 19, attributionControl: Boolean(form.dataset.tileUrl) });
if (form.dataset.tileUrl) {
    L.tileLayer(form.dataset.tileUrl, { maxZoom: 19, attribution: form.dataset.tileAttribution || '' }).addTo(map);
}
const streets = L.geoJSON(JSON.parse(form.dataset.streets || '{"type":"FeatureCollection","features":[]}'), {
    style: () => ({ color: '#1f5fa8', weight: 1.5, fillColor: '#cfdff2', fillOpacity: form.dataset.tileUrl ? 0.12 : 0.6 }),
}).addTo(map);
if (streets.getLayers().length > 0) {
    map.fitBounds(streets.getBounds(), { padding: [8, 8] });
} else {
    map.setView([39.92, 116.41], 13);
}
let marker = null;

function choose(longitude, latitude, system) {
    lon.value = String(longitude);
    lat.value = String(latitude);
    crs.value = system;
    const at = [latitude, longitude];
    if (marker) {
        marker.setLatLng(at);
    } else {
        marker = L.circleMarker(at, { radius: 9, color: '#c62828', weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    placeText.textContent = `${t('PlaceChosen')}: ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
    lookupSoon();
}

map.on('click', (e) => choose(e.latlng.lng, e.latlng.lat, 'wgs84'));
document.getElementById('cz-locate').addEventListener('click', () => {
    if (!navigator.geolocation) {
        placeText.textContent = t('PositionFailed');
        return;
    }
    navigator.geolocation.getCurrentPosition(
        (p) => {
            choose(p.coords.longitude, p.coords.latitude, 'wgs84');
            map.setView([p.coords.latitude, p.coords.longitude], 17);
        },
        () => { placeText.textContent = t('PositionFailed'); },
        { enableHighAccuracy: true, timeout: 10000 });
});

async function post(path, body) {
    const response = await fetch(api + path, {
        method: 'POST',
        headers: body instanceof FormData ? {} : { 'Content-Type': 'application/json' },
        body: body instanceof FormData ? body : JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    return { ok: response.ok, data };
}

function problemText(problem) {
    if (!problem) {
        return t('Failed');
    }
    const messages = problem.errors ? Object.values(problem.errors).flat() : [problem.detail || problem.title];
    return `${t('Failed')}: ${messages.join(' ')}`;
}

function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
}

let timer = null;
function lookupSoon() {
    clearTimeout(timer);
    timer = setTimeout(lookup, 500);
}
description.addEventListener('input', lookupSoon);
category.addEventListener('change', lookupSoon);

async function lookup() {
    const text = description.value.trim();
    if (text.length >= 4) {
        const suggestion = await post('/suggest-category', { description: text });
        showSuggestions(suggestion.ok ? suggestion.data.suggestions : []);
    }
    if (lon.value) {
        const found = await post('/duplicates', {
            longitude: Number(lon.value), latitude: Number(lat.value), coordinateSystem: crs.value,
            categoryCode: category.value || null, description: text || null,
        });
        showDuplicates(found.ok ? found.data : []);
    }
}

function showSuggestions(list) {
    const box = document.getElementById('cz-suggestions');
    box.replaceChildren();
    for (const s of list) {
        const chip = document.createElement('button');
        chip.type = 'button';
        chip.className = 'cz-chip';
        chip.dataset.code = s.categoryCode;
        chip.textContent = `${t('Suggested')}: ${form.dataset.lang === 'en' ? s.nameEn : s.name}`;
        chip.addEventListener('click', () => { category.value = s.categoryCode; lookupSoon(); });
        box.append(chip);
    }
}

function showDuplicates(list) {
    const box = document.getElementById('cz-duplicates');
    const ul = document.getElementById('cz-duplicate-list');
    ul.replaceChildren();
    for (const d of list) {
        const li = document.createElement('li');
        li.dataset.caseNumber = d.caseNumber;
        const what = document.createElement('p');
        what.textContent = d.description;
        const meta = document.createElement('p');
        meta.className = 'cz-hint';
        const name = (form.dataset.lang === 'en' ? d.categoryNameEn : d.categoryName) || d.categoryCode;
        meta.textContent = `${name} · ${d.statusName} · ${Math.round(d.distanceMetres)} ${t('Metres')}`;
        const join = document.createElement('button');
        join.type = 'button';
        join.className = 'cz-secondary cz-me-too';
        join.textContent = t('MeToo');
        join.addEventListener('click', () => meToo(d.caseNumber));
        li.append(what, meta, join);
        ul.append(li);
    }
    box.hidden = list.length === 0;
}

function contact() {
    const data = new FormData(form);
    const value = (k) => (data.get(k) || '').toString().trim() || null;
    return { phone: value('phone'), email: value('email'), notifyBy: value('notifyBy'), language: value('language') };
}

async function meToo(caseNumber) {
    showError('');
    const result = await post(`/reports/${encodeURIComponent(caseNumber)}/me-too`, contact());
    if (result.ok) {
        showReceipt(result.data);
    } else {
        showError(problemText(result.data));
    }
}

function showReceipt(receipt) {
    form.hidden = true;
    document.getElementById('cz-code').textContent = receipt.trackingCode;
    document.getElementById('cz-secret').textContent = receipt.secret;
    document.getElementById('cz-joined').hidden = !receipt.joinedExisting;
    const follow = document.getElementById('cz-follow');
    follow.href = receipt.trackingUrl + (form.dataset.lang === 'en' ? '?lang=en' : '');
    const box = document.getElementById('cz-receipt');
    box.hidden = false;
    box.scrollIntoView();
}

form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    if (!lon.value) {
        showError(t('PlaceMissing'));
        return;
    }
    const data = new FormData(form);
    for (const [k, v] of [...data.entries()]) {
        if (v === '' || (v instanceof File && v.size === 0 && !v.name)) {
            data.delete(k);
        }
    }
    submit.disabled = true;
    submit.textContent = t('Submitting');
    try {
        const result = await post('/reports', data);
        if (result.ok) {
            showReceipt(result.data);
        } else {
            showError(problemText(result.data));
        }
    } finally {
        submit.disabled = false;
        submit.textContent = t('Submit');
    }
});
