// CivicGrid console maps. Leaflet (window.L) is served by the server itself from /lib/leaflet
// (copied from npm by the build); nothing is fetched from elsewhere unless the city configured
// a tile server (Console:TileUrl). Every label is set as text, never as HTML.

function textElement(text) {
    const span = document.createElement('span');
    span.textContent = text ?? '';
    return span;
}

/**
 * Creates a map in `element`.
 * options: { streets: GeoJSON text, tileUrl, tileAttribution, lang: 'zh-CN'|'en', pick: bool,
 *            markers: [{ id, lon, lat, color, label }], focus: { lon, lat, zoom } | null,
 *            highlight: GeoJSON text of one feature to outline (a unit grid) | null }
 * dotnet: a DotNetObjectReference with CaseClicked(id) and MapClicked(lon, lat).
 */
export function createMap(element, options, dotnet) {
    const L = window.L;
    const map = L.map(element, {
        zoomControl: true,
        attributionControl: Boolean(options.tileUrl),
        zoomSnap: 0.25,
        minZoom: 9,
        maxZoom: 19,
    });
    if (options.tileUrl) {
        L.tileLayer(options.tileUrl, { maxZoom: 19, attribution: options.tileAttribution || '' }).addTo(map);
    }

    const english = options.lang === 'en';
    const streets = L.geoJSON(JSON.parse(options.streets || '{"type":"FeatureCollection","features":[]}'), {
        style: () => ({
            className: 'cg-street',
            color: '#1f5fa8',
            weight: 1.5,
            opacity: 0.9,
            fillColor: '#cfdff2',
            fillOpacity: options.tileUrl ? 0.12 : 0.6,
        }),
        onEachFeature: (feature, layer) => {
            const p = feature.properties || {};
            const name = (english ? p.nameEn : p.nameZh) || p.nameZh || p.code || '';
            layer.bindTooltip(textElement(name), { permanent: true, direction: 'center', className: 'cg-street-label', interactive: false });
        },
    }).addTo(map);

    if (options.highlight) {
        L.geoJSON(JSON.parse(options.highlight), {
            style: () => ({ className: 'cg-grid', color: '#ef6c00', weight: 2, fillColor: '#ffb74d', fillOpacity: 0.35, interactive: false }),
        }).addTo(map);
    }

    if (options.focus) {
        map.setView([options.focus.lat, options.focus.lon], options.focus.zoom || 16);
    } else if (streets.getLayers().length > 0) {
        map.fitBounds(streets.getBounds(), { padding: [16, 16] });
    } else {
        map.setView([39.92, 116.41], 13);
    }

    const markers = L.layerGroup().addTo(map);
    function setMarkers(list) {
        markers.clearLayers();
        for (const m of list || []) {
            const marker = L.circleMarker([m.lat, m.lon], {
                className: 'cg-case-marker',
                radius: 6,
                color: '#ffffff',
                weight: 1.5,
                fillColor: m.color,
                fillOpacity: 0.95,
                bubblingMouseEvents: false,
            });
            marker.bindTooltip(textElement(m.label), { direction: 'top', offset: [0, -6] });
            marker.on('click', () => dotnet.invokeMethodAsync('CaseClicked', m.id));
            marker.addTo(markers);
        }
    }

    let pickMarker = null;
    function setPick(lon, lat, pan) {
        if (pickMarker) {
            pickMarker.remove();
            pickMarker = null;
        }
        if (typeof lon === 'number' && typeof lat === 'number') {
            pickMarker = L.circleMarker([lat, lon], {
                className: 'cg-pick-marker',
                radius: 9,
                color: '#ffffff',
                weight: 3,
                fillColor: '#c62828',
                fillOpacity: 1,
                interactive: false,
            }).addTo(map);
            if (pan) {
                map.setView([lat, lon], Math.max(map.getZoom(), 16));
            }
        }
    }

    if (options.pick) {
        element.classList.add('cg-map-pick');
        map.on('click', e => dotnet.invokeMethodAsync('MapClicked', e.latlng.lng, e.latlng.lat));
    }

    setMarkers(options.markers);
    return {
        setMarkers,
        setPick,
        dispose: () => map.remove(),
    };
}
