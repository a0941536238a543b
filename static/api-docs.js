// Renders /api/openapi.json as a browsable list of operations.
(function () {
  'use strict';
  const container = document.getElementById('operations');
  const filter = document.getElementById('filter');

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === 'text') node.textContent = v; else node.setAttribute(k, v); });
    (children || []).forEach((c) => node.appendChild(c));
    return node;
  }

  function resolve(spec, schema) {
    const seen = new Set();
    function walk(s, depth) {
      if (!s || depth > 6) return s;
      if (s.$ref) {
        const name = s.$ref.split('/').pop();
        if (seen.has(name)) return { $ref: name };
        seen.add(name);
        const target = walk(spec.components.schemas[name], depth + 1);
        seen.delete(name);
        return target;
      }
      const out = Array.isArray(s) ? [] : {};
      Object.entries(s).forEach(([k, v]) => { out[k] = typeof v === 'object' && v !== null ? walk(v, depth + 1) : v; });
      return out;
    }
    return walk(schema, 0);
  }

  function render(spec) {
    container.textContent = '';
    const byTag = {};
    Object.entries(spec.paths).forEach(([path, item]) => {
      Object.entries(item).forEach(([method, op]) => {
        const tag = (op.tags && op.tags[0]) || 'other';
        (byTag[tag] = byTag[tag] || []).push({ path, method, op });
      });
    });
    Object.keys(byTag).sort().forEach((tag) => {
      container.appendChild(el('h2', { text: tag }));
      byTag[tag].forEach(({ path, method, op }) => {
        const body = el('div', { class: 'body' });
        if (op.description) body.appendChild(el('p', { text: op.description }));
        if (op.parameters && op.parameters.length) {
          const rows = op.parameters.map((p) => el('tr', {}, [
            el('td', { text: p.name }), el('td', { text: p.in }),
            el('td', { text: (p.schema && (p.schema.type || '')) + (p.required ? ' · 必填' : '') }),
            el('td', { text: p.description || '' })]));
          body.appendChild(el('table', {}, [el('tr', {}, ['参数', '位置', '类型', '说明'].map((t) => el('th', { text: t })))].concat(rows)));
        }
        const request = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
        if (request) {
          body.appendChild(el('p', { text: '请求体' }));
          body.appendChild(el('pre', { text: JSON.stringify(resolve(spec, request.schema), null, 2) }));
        }
        Object.entries(op.responses || {}).forEach(([status, response]) => {
          const content = response.content && response.content['application/json'];
          body.appendChild(el('p', { text: '响应 ' + status + (response.description ? ' · ' + response.description : '') }));
          if (content && content.schema) body.appendChild(el('pre', { text: JSON.stringify(resolve(spec, content.schema), null, 2) }));
        });
        const summary = el('summary', {}, [
          el('span', { class: 'method ' + method, text: method.toUpperCase() }),
          el('span', { class: 'path', text: path }),
          el('span', { class: 'summary', text: op.summary || '' })]);
        const details = el('details', { 'data-search': (path + ' ' + (op.summary || '')).toLowerCase() }, [summary, body]);
        container.appendChild(details);
      });
    });
  }

  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    document.querySelectorAll('details').forEach((d) => {
      d.style.display = !needle || d.getAttribute('data-search').includes(needle) ? '' : 'none';
    });
  });

  fetch('/api/openapi.json').then((r) => r.json()).then(render).catch(() => { container.textContent = '无法加载 API 文档'; });
}());
