-- The Neovim the specs run in: `nvim --headless --clean -u tests/nvim/init.lua`, with only the
-- pipelens plugin on the runtimepath. PIPELENS_NVIM_SETUP=plain configures it the way the
-- README's plain setup does (vim.lsp.enable alone); otherwise through require('pipelens').setup().
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local repo = vim.fn.fnamemodify(here, ':h:h')
vim.opt.runtimepath:prepend(repo .. '/nvim')
package.path = here .. '/?.lua;' .. package.path
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

if vim.env.PIPELENS_NVIM_SETUP == 'plain' then
  vim.lsp.enable('pipelens')
else
  require('pipelens').setup({
    -- A setting merged over the shipped config: accounts get names in completion and hover.
    settings = { pipelens = { accounts = { sandbox = '444444444444' } } },
  })
end
