/*! souk shop script. Source: themes/default/scripts/shop.js; what it reads: docs/themes.md */
// The cart count in the header, "add to cart" on product pages, the cart page and its
// checkout. Progressive enhancement: every page works without it. What it reads
// from the page is listed in docs/themes.md ("The shop script"), so any theme can use it.
// The cart in localStorage is only a list of (product, SKU, quantity): names, prices, stock and
// availability always come from the data files the build writes, never from storage.
// What ships is static/js/shop.js, this file minified by `bash .ci/minify-script` (CI checks
// that the two agree and that it stays under 10 KiB, 4 KiB gzipped).
(function () {
  'use strict';
  var me = document.currentScript;
  var base = me && me.dataset.base || '/';
  var KEY = 'souk-cart:' + base;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return [].slice.call((root || document).querySelectorAll(sel)); };
  var fill = function (pattern, values) {
    return String(pattern || '').replace(/\{(\w+)\}/g, function (all, k) {
      return k in values ? values[k] : all;
    });
  };

  // ---- storage: never trusted, never fatal ----
  function load() {
    var cart;
    try { cart = JSON.parse(localStorage.getItem(KEY)); } catch (e) { cart = null; }
    if (!cart || typeof cart !== 'object' || !Array.isArray(cart.items)) cart = { items: [] };
    cart.items = cart.items.filter(function (i) {
      return i && typeof i.p === 'string' && typeof i.s === 'string' &&
        i.q === Math.floor(i.q) && i.q > 0;
    }).map(function (i) { return { p: i.p, s: i.s, q: Math.min(i.q, 99) }; });
    if (cart.sent && typeof cart.sent.ref !== 'string') delete cart.sent;
    return cart;
  }
  function save(cart) {
    try { localStorage.setItem(KEY, JSON.stringify(cart)); } catch (e) { /* private mode: the cart lives as long as the page */ }
    count(cart);
  }
  function count(cart) {
    var n = 0;
    cart.items.forEach(function (i) { n += i.q; });
    $$('[data-cart-count]').forEach(function (el) { el.textContent = n; });
    $$('[data-cart-link]').forEach(function (el) {
      el.hidden = false;
      if (el.dataset.label) el.setAttribute('aria-label', fill(el.dataset.label, { count: n }));
    });
  }
  function live(text) {
    var el = $('[data-cart-live]');
    if (el) { el.textContent = ''; setTimeout(function () { el.textContent = text; }, 50); }
  }

  // ---- money: integer minor units, written as the build writes them ----
  function money(m, minor) {
    var s = String(Math.max(0, Math.round(minor)));
    while (s.length <= m.decimals) s = '0' + s;
    var int = s.slice(0, s.length - m.decimals), frac = m.decimals ? s.slice(-m.decimals) : '';
    if (m.group && int.length >= m.primary + m.min_grouping) {
      var parts = [int.slice(-m.primary)], head = int.slice(0, -m.primary);
      while (head.length > m.secondary) { parts.unshift(head.slice(-m.secondary)); head = head.slice(0, -m.secondary); }
      parts.unshift(head);
      int = parts.join(m.group);
    }
    var amount = (int + (m.decimals ? m.decimal + frac : '')).replace(/[0-9]/g, function (d) { return m.digits[d]; });
    return m.pattern.split('{amount}').join(amount).split('{currency}').join(m.symbol);
  }

  // ---- product page ----
  function product(form) {
    var cart = load();
    var status = $('[data-cart-status]', form);
    var qty = form.elements.quantity;
    var picked = function () {
      var sku = form.elements.sku;
      return sku.options ? sku.options[sku.selectedIndex] : sku;
    };
    var limit = function () {
      var stock = picked().dataset.stock;
      return stock ? Math.min(+stock, 99) : 99;
    };
    var clamp = function () { qty.max = limit(); };
    form.hidden = false;
    clamp();
    if (form.elements.sku.options) form.elements.sku.addEventListener('change', clamp);
    $$('[data-step]', form).forEach(function (b) {
      b.addEventListener('click', function () {
        qty.value = Math.max(1, Math.min(limit(), (parseInt(qty.value, 10) || 1) + +b.dataset.step));
      });
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      cart = load();
      var sku = picked().value, q = parseInt(qty.value, 10);
      var line = cart.items.filter(function (i) { return i.s === sku; })[0];
      var already = line ? line.q : 0;
      if (!(q > 0)) { qty.value = 1; return; }
      if (already + q > limit()) {
        status.textContent = fill(form.dataset.tooMany, { count: limit(), in_cart: already });
        return;
      }
      if (line) line.q += q; else cart.items.push({ p: form.dataset.product, s: sku, q: q });
      delete cart.sent;
      save(cart);
      status.textContent = fill(form.dataset.added, { quantity: q, item: picked().dataset.title || '' });
    });
  }

  // ---- cart page ----
  function cartPage(root) {
    var cfg = JSON.parse(root.dataset.config);
    var t = cfg.strings, m = cfg.money;
    var catalogue = {};
    var show = function (name, on) { $$('[data-cart-' + name + ']', root).forEach(function (el) { el.hidden = !on; }); };
    var form = $('[data-checkout]', root);
    var lines = $('[data-cart-lines]', root);
    var template = $('[data-cart-line]', root);
    root.hidden = false;

    // FNV-1a over the id's UTF-8 bytes: which data file holds a product (as the build splits them).
    function bucket(id) {
      var h = 0x811c9dc5;
      new TextEncoder().encode(id).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
      return h % cfg.files;
    }
    function fetchAll(cart) {
      var wanted = {};
      cart.items.forEach(function (i) { wanted[bucket(i.p)] = 1; });
      return Promise.all(Object.keys(wanted).map(function (b) {
        return fetch(cfg.data + b + '.json').then(function (r) {
          if (!r.ok) throw r;
          return r.json();
        }).then(function (d) { Object.assign(catalogue, d); });
      }));
    }
    // The cart as the build's data says it is: unknown or unavailable items dropped, quantities
    // cut to the stock, each change said on the page.
    function resolve(cart) {
      var notices = [];
      cart.items = cart.items.filter(function (i) {
        var p = catalogue[i.p], v = p && Object.prototype.hasOwnProperty.call(p.variants, i.s) && p.variants[i.s];
        if (!v) { notices.push(t.cart_item_gone); return false; }
        var title = v.label ? p.name + ' – ' + v.label : p.name;
        if (v.availability === 'out_of_stock') { notices.push(fill(t.cart_item_sold_out, { item: title })); return false; }
        if (v.stock != null && i.q > v.stock) { i.q = v.stock; notices.push(fill(t.cart_item_fewer, { item: title, count: v.stock })); }
        i.v = v; i.title = title; i.product = p;
        return true;
      });
      return notices;
    }
    function zone() {
      var z = $('input[name=zone]:checked', form) || $('input[name=zone]', form);
      return z && { name: z.dataset.name || '', rate: +z.dataset.rate, free: z.dataset.freeOver ? +z.dataset.freeOver : null, cod: z.dataset.cod === 'true' };
    }
    function totals(cart) {
      var sub = 0;
      cart.items.forEach(function (i) { sub += i.v.price * i.q; });
      var z = zone(), fee = z ? (z.free != null && sub >= z.free ? 0 : z.rate) : 0;
      return { sub: sub, fee: fee, total: sub + fee, zone: z };
    }
    function render(cart) {
      lines.textContent = '';
      cart.items.forEach(function (i) {
        var row = template.content.firstElementChild.cloneNode(true);
        var field = function (n) { return $('[data-field=' + n + ']', row); };
        var photo = field('image'), image = i.product.image;
        if (photo && image) {
          var img = document.createElement('img');
          img.src = image.src; img.width = image.width; img.height = image.height; img.alt = '';
          photo.appendChild(img);
        }
        var name = field('name');
        name.textContent = i.product.name; name.href = i.product.url;
        field('variant').textContent = i.v.label || '';
        field('sku').textContent = i.s;
        field('price').textContent = money(m, i.v.price);
        field('total').textContent = money(m, i.v.price * i.q);
        var q = field('quantity');
        q.value = i.q; q.max = i.v.stock != null ? Math.min(i.v.stock, 99) : 99;
        q.id = 'q-' + i.s; $('label', row).htmlFor = q.id;
        $('label', row).textContent = fill(t.cart_quantity_of, { item: i.title });
        q.addEventListener('change', function () {
          var n = parseInt(q.value, 10);
          change(i.s, n > 0 ? Math.min(n, +q.max) : 0);
        });
        var remove = field('remove');
        remove.setAttribute('aria-label', fill(t.cart_remove_item, { item: i.title }));
        remove.addEventListener('click', function () { change(i.s, 0); });
        lines.appendChild(row);
      });
      var sum = totals(cart);
      $('[data-cart-subtotal]', root).textContent = money(m, sum.sub);
      $('[data-cart-fee]', root).textContent = sum.fee ? money(m, sum.fee) : t.delivery_free;
      $('[data-cart-total]', root).textContent = money(m, sum.total);
      show('empty', !cart.items.length);
      show('filled', cart.items.length > 0);
    }
    function change(sku, q) {
      var cart = current;
      var line = cart.items.filter(function (i) { return i.s === sku; })[0];
      if (!line) return;
      if (q) line.q = q; else cart.items.splice(cart.items.indexOf(line), 1);
      store(cart);
      render(cart);
      live(q ? fill(t.cart_updated, { item: line.title, quantity: q }) : fill(t.cart_removed, { item: line.title }));
      if (!cart.items.length) $('[data-cart-empty]', root).focus();
    }
    function store(cart) {
      save({ items: cart.items.map(function (i) { return { p: i.p, s: i.s, q: i.q }; }), sent: cart.sent });
    }

    // The order, written once in the page's language, whichever way it is sent.
    function reference() {
      var abc = '23456789ABCDEFGHJKMNPQRSTUVWXYZ', r = new Uint8Array(4), code = '';
      crypto.getRandomValues(r);
      r.forEach(function (b) { code += abc[b % abc.length]; });
      var d = new Date(), two = function (n) { return (n < 10 ? '0' : '') + n; };
      return cfg.prefix + '-' + d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) + '-' + code;
    }
    function message(cart, ref, who) {
      var sum = totals(cart), out = [fill(t.cart_message_intro, { reference: ref }), ''];
      cart.items.forEach(function (i) {
        out.push(fill(t.cart_message_line, {
          quantity: i.q, item: i.title, sku: i.s, price: money(m, i.v.price), total: money(m, i.v.price * i.q),
          note: i.v.availability === 'preorder' ? t.preorder_note : ''
        }));
      });
      out.push('', fill(t.cart_message_subtotal, { amount: money(m, sum.sub) }));
      if (sum.zone) out.push(fill(t.cart_message_delivery, { zone: sum.zone.name, fee: sum.fee ? money(m, sum.fee) : t.delivery_free }));
      out.push(fill(t.cart_message_total, { amount: money(m, sum.total) }));
      out.push(sum.zone && !sum.zone.cod ? t.cart_message_pay_later : t.cart_message_cod, '');
      ['name', 'phone', 'city', 'address', 'note'].forEach(function (k) {
        if (who[k]) out.push(fill(t['cart_message_' + k], { value: who[k] }));
      });
      return out.join('\n');
    }
    function plausiblePhone(text) {
      var n = text.replace(/[\s.()-]/g, '');
      return /^(?:(?:\+|00)212|0)[5-7]\d{8}$/.test(n) || /^(?:\+|00)[1-9]\d{7,14}$/.test(n);
    }
    function sent(ref, url) {
      $$('[data-field=reference]', root).forEach(function (el) { el.textContent = ref; });
      var again = $('[data-field=resend]', root);
      if (again) { again.hidden = !url; if (url) again.href = url; }
      show('filled', false); show('empty', false); show('notice', false);
      show('sent', true);
      var view = $('[data-cart-sent]', root);
      view.focus();
    }

    var current = load();
    var error = $('[data-checkout-error]', root);
    var notice = $('[data-cart-notice]', root);
    fetchAll(current).then(function () {
      var notices = resolve(current);
      notice.textContent = notices.join(' ');
      notice.hidden = !notices.length;
      store(current);
      render(current);
      if (current.sent && current.items.length) sent(current.sent.ref, current.sent.url);
    }, function () {
      // Offline, or the shop is being published: say so, and keep the cart as it is.
      notice.textContent = t.cart_load_failed;
      notice.hidden = false;
    });
    form.addEventListener('change', function (e) { if (e.target.name === 'zone') render(current); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var via = e.submitter && e.submitter.value || 'whatsapp';
      var who = {};
      ['name', 'phone', 'city', 'address', 'note'].forEach(function (k) {
        var el = form.elements[k];
        who[k] = el ? el.value.trim() : '';
      });
      var phone = form.elements.phone;
      phone.setCustomValidity(plausiblePhone(who.phone) ? '' : t.cart_phone_invalid);
      if (!form.reportValidity() || !current.items.length) return;
      var ref = current.sent && current.sent.ref || reference();
      var text = message(current, ref, who), url;
      current.sent = { ref: ref };
      if (via === 'form') {
        var body = new URLSearchParams({ reference: ref, _subject: fill(t.cart_email_subject, { reference: ref }), message: text, total: money(m, totals(current).total) });
        Object.keys(who).forEach(function (k) { body.append(k, who[k]); });
        body.append('zone', (zone() || {}).name || '');
        error.textContent = '';
        fetch(cfg.form, { method: 'POST', body: body, headers: { Accept: 'application/json' } }).then(function (r) {
          if (!r.ok) throw r;
          current.items = [];
          delete current.sent;
          store(current);
          sent(ref, null);
          show('sent', false);
          show('done', true);
          $('[data-cart-done]', root).focus();
        }).catch(function () { error.textContent = t.cart_form_failed; });
        return;
      }
      url = via === 'email'
        ? 'mailto:' + cfg.email + '?subject=' + encodeURIComponent(fill(t.cart_email_subject, { reference: ref })) + '&body=' + encodeURIComponent(text)
        : 'https://wa.me/' + cfg.whatsapp + '?text=' + encodeURIComponent(text);
      current.sent.url = url;
      store(current);
      sent(ref, url);
      if (via === 'email') location.href = url; else if (!window.open(url, '_blank')) location.href = url;
    });
    $('[data-cart-confirm]', root).addEventListener('click', function () {
      current.items = [];
      delete current.sent;
      store(current);
      show('sent', false);
      show('done', true);
      $('[data-cart-done]', root).focus();
    });
    $('[data-cart-back]', root).addEventListener('click', function () {
      delete current.sent;
      store(current);
      show('sent', false);
      render(current);
    });
  }

  count(load());
  $$('form[data-add-to-cart]').forEach(product);
  var page = $('[data-cart]');
  if (page) cartPage(page);
  // Another tab changed the cart: keep the count right.
  addEventListener('storage', function (e) { if (e.key === KEY) count(load()); });
}());
