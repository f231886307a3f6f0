-- (c) The quick fix for a mistyped region: requested and applied like a client does, and
-- through vim.lsp.buf.code_action() as a user does.
local H = require('helpers')
local buf, client = H.open()

local function broken(typo)
  local row = H.retype_region(buf, 'eu-west-1', typo)
  local d = H.wait_diagnostics(buf, 'the unknown-region diagnostic', function(d)
    return #d == 1 and d[1].code == 'unknown-region'
  end)
  return row, d[1]
end

H.test('the quick fix edit restores the region', function()
  local row, d = broken('eu-wst-1')
  local lsp_d = d.user_data.lsp
  local actions = H.request(buf, client, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_d.range,
    context = { diagnostics = { lsp_d } },
  })
  assert(actions and #actions > 0, 'no code actions')
  local a = actions[1]
  H.eq('Change to eu-west-1 (Europe (Ireland))', a.title, 'title')
  H.eq('quickfix', a.kind, 'kind')
  vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
  H.contains(H.line(buf, row), H.q .. 'eu-west-1' .. H.q, 'the fixed line')
  H.wait_diagnostics(buf, 'the diagnostic clears', function(ds)
    return #ds == 0
  end)
end)

H.test('vim.lsp.buf.code_action applies the preferred fix', function()
  local row, d = broken('eu-west-9')
  vim.api.nvim_win_set_cursor(0, { row + 1, d.col + 2 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.isPreferred
    end,
  })
  H.wait('the buffer has the fixed region', function()
    return H.line(buf, row):find(H.q .. 'eu-west-1' .. H.q, 1, true)
  end)
  H.wait_diagnostics(buf, 'the diagnostic clears', function(ds)
    return #ds == 0
  end)
end)

H.finish()
