-- The Neovim the specs run in: `nvim --headless --clean -u tests/nvim/init.lua`, with only the
-- pipelens plugin on the runtimepath. PIPELENS_NVIM_SETUP=plain configures it the way the
-- README's plain setup does (vim.lsp.enable alone); otherwise through require('pipelens').setup().
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local repo = vim.fn.fnamemodify(here, ':h:h')
vim.opt.runtimepath:prepend(repo .. '/nvim')
package.path = here .. '/?.lua;' .. package.path
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

-- The app is the user's own project: its pipelens.toml is allowed in Neovim's trust database,
-- as a user answering vim.secure.read()'s question once would. PIPELENS_NVIM_TRUST=deny denies
-- it instead (the trust spec).
local toml = vim.fs.joinpath(vim.env.PIPELENS_TEST_APP or '.', 'pipelens.toml')
if vim.uv.fs_stat(toml) then
  if vim.env.PIPELENS_NVIM_TRUST == 'deny' then
    assert(vim.secure.trust({ action = 'deny', path = toml }))
  else
    local buf = vim.fn.bufadd(toml)
    vim.fn.bufload(buf)
    assert(vim.secure.trust({ action = 'allow', bufnr = buf }))
    vim.api.nvim_buf_delete(buf, { force = true })
  end
end

if vim.env.PIPELENS_NVIM_SETUP == 'plain' then
  vim.lsp.enable('pipelens')
else
  require('pipelens').setup({
    -- A setting merged over the shipped config: accounts get names in completion and hover.
    settings = { pipelens = { accounts = { sandbox = '444444444444' } } },
  })
end
