// The public map (/public/map): recent filed cases at their unit grid's centre, coloured by state.
// Texts from the server are set as text, never HTML.

const box = document.getElementById('pm-map');
const english = box.dataset.lang === 'en';
const count = document.getElementById('pm-count');
const days = document.getElementById('pm-days');
const state = document.getElementById('pm-state');

const map = L.map('pm-map', { zoomSnap: 0.25, minZoom: 9, maxZoom: 19, attributionControl: Boolean(box.dataset.tileUrl) });
if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.tileAttribution || '' }).addTo(map);
}
const streets = L.geoJSON(JSON.parse(box.dataset.streets || '{}'), {
    style: () => ({ color: '#1f5fa8', weight: 1.5, fillColor: '#cfdff2', fillOpacity: box.dataset.tileUrl ? 0.12 : 0.6 }),
}).addTo(map);
if (streets.getBounds().isValid()) {
    map.fitBounds(streets.getBounds());
}

const points = L.layerGroup().addTo(map);
const isClosed = (f) => f.properties.status === 'closed';

function popup(f) {
    const p = f.properties;
    const el = document.createElement('div');
    const title = document.createElement('strong');
    title.textContent = (english ? p.categoryNameEn : p.categoryName) || p.categoryCode;
    const status = document.createElement('div');
    status.textContent = english ? p.status : p.statusName;
    const reported = document.createElement('div');
    reported.textContent = `${box.dataset.tReported}: ${p.reportedAt.replace('T', ' ').slice(0, 16)}`;
    el.append(title, status, reported);
    if (p.closedAt) {
        const closed = document.createElement('div');
        closed.textContent = `${box.dataset.tClosed}: ${p.closedAt.replace('T', ' ').slice(0, 16)}`;
        el.append(closed);
    }
    return el;
}

async function load() {
    let data;
    try {
        const response = await fetch(`/api/v1/public/cases/map?days=${encodeURIComponent(days.value)}`);
        if (!response.ok) {
            throw new Error(String(response.status));
        }
        data = await response.json();
    } catch {
        count.textContent = box.dataset.tFailed;
        return;
    }
    points.clearLayers();
    const wanted = data.features.filter((f) => state.value === 'all' || (state.value === 'closed') === isClosed(f));
    for (const f of wanted) {
        const [lon, lat] = f.geometry.coordinates;
        L.circleMarker([lat, lon], {
            radius: 6, weight: 1, color: '#fff', fillOpacity: 0.85,
            fillColor: isClosed(f) ? '#2e7d32' : '#e65100',
            className: isClosed(f) ? 'pm-point pm-closed' : 'pm-point pm-open',
        }).bindPopup(() => popup(f)).addTo(points);
    }
    const closed = wanted.filter(isClosed).length;
    count.textContent = box.dataset.tCount
        .replace('{0}', String(wanted.length)).replace('{1}', String(wanted.length - closed)).replace('{2}', String(closed));
    count.dataset.count = String(wanted.length);
}

days.addEventListener('change', load);
state.addEventListener('change', load);
load();
