-- (b) Region completion inside an empty region string, accounts with names from the settings.
local H = require('helpers')
local buf, client = H.open()

H.test('regions complete inside an empty region string', function()
  -- Two edits in one go: Neovim sends them in one didChange whose version skips a number,
  -- and the completion request right after it must see both.
  local before = #H.did_change
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { H.lang == 'python' and '# edited' or '// edited' })
  local row, col = H.retype_region(buf, 'eu-west-1', '')
  local params = H.position(buf, client, row, col + 1) -- between the quotes
  local result = H.request(buf, client, 'textDocument/completion', params)
  assert(result, 'no completion at ' .. vim.inspect(params.position))
  local items = result.items or result
  assert(#items >= 30, 'only ' .. #items .. ' items')
  local by_label = {}
  for _, i in ipairs(items) do
    by_label[i.label] = i
  end
  assert(by_label['eu-west-1'], 'no eu-west-1')
  assert(by_label['us-east-1'], 'no us-east-1')
  H.contains(by_label['eu-west-1'].detail, 'Europe (Ireland)', 'eu-west-1 detail')
  H.contains(by_label['us-east-1'].detail, 'US East (N. Virginia)', 'us-east-1 detail')
  -- Regions the workspace already uses come first (eu-west-1 too, until the edit is analysed).
  table.sort(items, function(a, b)
    return (a.sortText or a.label) < (b.sortText or b.label)
  end)
  local top = { items[1].label, items[2].label }
  assert(vim.tbl_contains(top, 'us-east-1'), 'us-east-1 is not first: ' .. vim.inspect(top))
  -- Both edits went out as one change (so the request was answered against both).
  H.eq(before + 1, #H.did_change, 'didChange notifications for the two edits')
  H.eq(2, #H.did_change[#H.did_change].contentChanges, 'content changes')
end)

H.test('accounts complete with the names from the settings', function()
  if vim.env.PIPELENS_NVIM_SETUP == 'plain' then
    return -- the plain setup has no accounts setting
  end
  local row, col = H.find(buf, H.q .. '111111111111' .. H.q)
  local params = H.position(buf, client, row, col + 1)
  local result = H.request(buf, client, 'textDocument/completion', params)
  assert(result, 'no completion at ' .. vim.inspect(params.position))
  local sandbox
  for _, i in ipairs(result.items or result) do
    if i.label == '444444444444' then
      sandbox = i
    end
  end
  assert(sandbox, 'the account from the settings is not offered')
  H.eq('sandbox', sandbox.detail, 'its name')
end)

H.finish()
