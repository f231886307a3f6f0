-- (a) Diagnostics a user sees after typing a wrong region, sent as an incremental change.
local H = require('helpers')
local buf, client = H.open()

H.test('the server attaches with incremental sync and UTF-8 positions', function()
  H.eq(2, client.server_capabilities.textDocumentSync.change, 'textDocumentSync.change')
  H.eq('utf-8', client.offset_encoding, 'offset encoding')
  H.eq('pipelens', client.server_info and client.server_info.name, 'server name')
end)

-- The time is in the test's name, so the run's output shows it; the bound is loose (a debug
-- server on a loaded CI machine).
H.test(('the first diagnostics came %d ms after opening the file'):format(H.first_diagnostics_ms), function()
  assert(H.first_diagnostics_ms < 5000, H.first_diagnostics_ms .. ' ms')
end)

H.test('the example app opens without diagnostics', function()
  H.eq({}, vim.diagnostic.get(buf), 'diagnostics at open')
end)

H.test('a mistyped region is reported where it was typed', function()
  local row, col = H.retype_region(buf, 'eu-west-1', 'eu-wst-1')
  local d = H.wait_diagnostics(buf, 'an unknown-region diagnostic', function(d)
    return #d > 0
  end)
  H.eq(1, #d, 'number of diagnostics')
  d = d[1]
  H.eq('pipelens', d.source, 'source')
  H.eq('unknown-region', d.code, 'code')
  H.eq(vim.diagnostic.severity.ERROR, d.severity, 'severity')
  H.eq({ row, col, row, col + #'"eu-wst-1"' }, { d.lnum, d.col, d.end_lnum, d.end_col }, 'range')
  H.contains(d.message, '`eu-wst-1` is not an AWS region; did you mean `eu-west-1`', 'message')
  -- The client sent the edit as a ranged (incremental) change, not the whole text: Neovim
  -- diffs the line, so "eu-west-1" → "eu-wst-1" is the deletion of one "e".
  local changes = H.did_change[#H.did_change].contentChanges
  H.eq(1, #changes, 'content changes in the last didChange')
  assert(changes[1].range, 'didChange had no range: the client sent full text')
  H.eq({ line = row, character = col + 5 }, changes[1].range.start, 'start of the change')
  H.eq('', changes[1].text, 'the changed text')
end)

H.test('fixing the region by hand clears the diagnostic', function()
  H.retype_region(buf, 'eu-wst-1', 'eu-west-1')
  H.wait_diagnostics(buf, 'no diagnostics', function(d)
    return #d == 0
  end)
end)

H.test('an invalid account is reported too', function()
  local row, col = H.find(buf, H.q .. '222222222222' .. H.q)
  vim.api.nvim_buf_set_text(buf, row, col + 1, row, col + 13, { '22222222222' })
  local d = H.wait_diagnostics(buf, 'an invalid-account diagnostic', function(d)
    return #d > 0
  end)
  H.eq('invalid-account', d[1].code, 'code')
  H.eq(row, d[1].lnum, 'line')
end)

H.finish()
