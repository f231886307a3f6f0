-- (e) The outline: pipeline → synth, stages, the Prod wave and its stages.
local H = require('helpers')
local buf, client = H.open()

H.test('document symbols include the stages and the wave', function()
  local syms = H.request(buf, client, 'textDocument/documentSymbol', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
  })
  assert(syms and #syms > 0, 'no symbols')
  H.eq('Pipeline', syms[1].name, 'top symbol')
  local names, prod = {}, nil
  for _, s in ipairs(syms[1].children or {}) do
    names[#names + 1] = s.name
    if s.name == 'Prod' then
      prod = s
    end
  end
  for _, want in ipairs({ 'Synth', 'Dev', 'Staging', 'Prod' }) do
    assert(vim.tbl_contains(names, want), want .. ' not in ' .. vim.inspect(names))
  end
  local in_wave = vim.tbl_map(function(s)
    return s.name
  end, prod.children or {})
  assert(vim.tbl_contains(in_wave, 'ProdUsEast1'), 'wave: ' .. vim.inspect(in_wave))
  assert(vim.tbl_contains(in_wave, 'ProdEuWest1'), 'wave: ' .. vim.inspect(in_wave))

  -- As the location list shows them (what :lua vim.lsp.buf.document_symbol() lists).
  local items = vim.lsp.util.symbols_to_items(syms, buf, client.offset_encoding)
  local dev
  for _, i in ipairs(items) do
    if i.text:match('%] Dev$') then
      dev = i
    end
  end
  assert(dev, 'Dev not in ' .. vim.inspect(vim.tbl_map(function(i)
    return i.text
  end, items)))
  local row = H.find(buf, H.q .. 'Dev' .. H.q)
  H.eq(row + 1, dev.lnum, 'line of Dev')
end)

H.test('the plugin shows the code lenses: the stage chain above the pipeline', function()
  local lenses = H.wait('code lenses in the buffer', function()
    local l = vim.lsp.codelens.get(buf)
    return #l > 0 and l
  end)
  local titles = vim.tbl_map(function(l)
    return l.command and l.command.title or ''
  end, lenses)
  local chain = vim.tbl_filter(function(t)
    return t:find('Source → Build', 1, true) ~= nil
  end, titles)
  H.eq(1, #chain, vim.inspect(titles))
end)

H.finish()
