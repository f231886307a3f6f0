-- The :Pipelens… commands exist whenever the plugin is on the runtimepath, so that a plain
-- `vim.lsp.enable('pipelens')` setup has them too. Starting the server is left to the user
-- (`vim.lsp.enable('pipelens')` or `require('pipelens').setup()`).
if vim.g.loaded_pipelens or vim.fn.has('nvim-0.11') == 0 then
  return
end
vim.g.loaded_pipelens = true
require('pipelens').create_commands()
