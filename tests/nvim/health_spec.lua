-- (f) :checkhealth pipelens, with the server found and with a command that does not exist.
local H = require('helpers')
H.open()

local function checkhealth()
  vim.cmd('checkhealth pipelens')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('tabclose')
  return text
end

H.test(':checkhealth pipelens reports the server', function()
  local text = checkhealth()
  H.contains(text, 'OK Neovim 0.', 'report')
  H.contains(text, 'OK command: pipelens serve', 'report')
  H.contains(text, 'OK version: pipelens', 'report')
  H.contains(text, 'server pipelens', 'report (running client)')
  assert(not text:find('ERROR', 1, true), 'errors in the report:\n' .. text)
  assert(not text:find('WARNING', 1, true), 'warnings in the report:\n' .. text)
end)

H.test(':checkhealth pipelens says when the binary is missing', function()
  vim.lsp.config('pipelens', { cmd = { 'pipelens-not-installed', 'serve' } })
  local text = checkhealth()
  H.contains(text, 'ERROR `pipelens-not-installed` is not executable or not on PATH', 'report')
end)

H.finish()
