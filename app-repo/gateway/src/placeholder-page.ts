/** What the gateway serves at `/` when the frontend has not been built: a plain product list. */
export const placeholderPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Slipway shop</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}li{margin:.3rem 0}</style></head>
<body>
<h1>Slipway shop</h1>
<p>The frontend has not been built; this plain page lists the catalog from <code>/api/products</code>.</p>
<ul id="products"><li>Loading…</li></ul>
<script>
fetch('/api/products?pageSize=100').then(r => r.ok ? r.json() : Promise.reject(new Error(r.status))).then(page => {
  const list = document.getElementById('products');
  list.replaceChildren(...page.items.map(p => {
    const li = document.createElement('li');
    li.textContent = p.name + ' — $' + (p.priceCents / 100).toFixed(2) + ' (' + p.stock + ' in stock)';
    return li;
  }));
}).catch(e => { document.getElementById('products').textContent = 'The product service is not answering (' + e.message + ').'; });
</script>
</body>
</html>
`;
