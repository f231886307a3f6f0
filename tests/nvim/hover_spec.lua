-- (d) Hover on an account and a region: the markdown, its conversion, and the float a user sees.
local H = require('helpers')
local buf, client = H.open()

local function hover_at(text, offset)
  local row, col = H.find(buf, text)
  return H.request(buf, client, 'textDocument/hover', H.position(buf, client, row, col + offset))
end

H.test('hover on an account id', function()
  local h = hover_at(H.q .. '111111111111' .. H.q, 3)
  H.eq('markdown', h.contents.kind, 'kind')
  local md = h.contents.value
  assert(md:find('^%*%*Account 111111111111%*%*'), 'markdown: ' .. md)
  H.contains(md, 'Dev', 'the stage deploying there')
  local lines = vim.lsp.util.convert_input_to_markdown_lines(h.contents)
  assert(#lines > 0, 'no markdown lines')
  H.contains(lines[1], 'Account 111111111111', 'first line')
end)

H.test('hover on a region', function()
  local h = hover_at(H.q .. 'eu-west-1' .. H.q, 3)
  H.eq('**eu-west-1** — Europe (Ireland)\n\nDeployed to by: `ProdEuWest1`', h.contents.value, 'markdown')
  local lines = vim.lsp.util.convert_input_to_markdown_lines(h.contents)
  H.eq('**eu-west-1** — Europe (Ireland)', lines[1], 'first line')
end)

H.test('vim.lsp.buf.hover() opens a float with the text', function()
  local row, col = H.find(buf, H.q .. 'eu-west-1' .. H.q)
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 3 })
  vim.lsp.buf.hover()
  local text = H.wait('a hover window', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        local b = vim.api.nvim_win_get_buf(w)
        return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
      end
    end
  end)
  H.contains(text, 'eu-west-1', 'float')
  H.contains(text, 'Europe (Ireland)', 'float')
end)

H.finish()
