// The tracking page (/track/{code}): reloads when the case changes (Server-Sent Events of status
// changes only) and sends the reporter's rating. Texts from the server are set as text, never HTML.

const box = document.getElementById('cz-case');
const code = box.dataset.code;
const api = `/api/v1/public/cases/${encodeURIComponent(code)}`;

const events = new EventSource(`${api}/events`);
events.addEventListener('changed', () => {
    events.close();
    window.location.reload();
});

const rate = document.getElementById('cz-rate');
if (rate) {
    rate.addEventListener('submit', async (e) => {
        e.preventDefault();
        const data = new FormData(rate);
        const result = document.getElementById('cz-rate-result');
        const response = await fetch(`${api}/rating`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
                secret: (data.get('secret') || '').toString().trim(),
                stars: Number(data.get('stars')),
                comment: (data.get('comment') || '').toString().trim() || null,
                dispute: data.get('dispute') === 'on',
            }),
        });
        if (response.ok) {
            result.textContent = box.dataset.tThanks;
            setTimeout(() => window.location.reload(), 800);
        } else {
            const problem = await response.json().catch(() => null);
            const messages = problem?.errors ? Object.values(problem.errors).flat() : [problem?.detail || ''];
            result.textContent = `${box.dataset.tFailed}: ${messages.join(' ')}`;
        }
    });
}
