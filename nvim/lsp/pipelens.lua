-- The pipelens language server for Neovim 0.11+: `vim.lsp.enable('pipelens')` starts it for
-- Python, TypeScript and JavaScript buffers of a CDK app. Override any field with
-- `vim.lsp.config('pipelens', { ... })` or `require('pipelens').setup({ ... })`.

---@type vim.lsp.Config
return {
  cmd = { 'pipelens', 'serve' },
  filetypes = { 'python', 'typescript', 'javascript' },
  -- In this order: the CDK app (cdk.json) wins over a settings file above it, which wins over
  -- the repository root.
  root_markers = { 'cdk.json', 'pipelens.toml', '.git' },
  -- Section `pipelens`: aws.profile, bootstrap.check, bootstrap.cacheTtlSeconds, synth.onSave,
  -- synth.command, synth.timeoutSeconds, changeBase, accounts, queryPath (see :h pipelens).
  -- Answered from here when the server asks with `workspace/configuration`.
  settings = { pipelens = vim.empty_dict() },
  init_options = vim.empty_dict(),
  -- The server runs no process (synth, git) and calls no AWS API until it is told the project
  -- is trusted: `trusted` in the initialization options (see :h pipelens-trust).
  before_init = function(params, config)
    local opts = params.initializationOptions
    if type(opts) ~= 'table' or vim.islist(opts) then
      opts = {}
    end
    opts = vim.tbl_extend('force', opts, { trusted = require('pipelens').trusted(config.root_dir) })
    params.initializationOptions = opts
  end,
  capabilities = {
    -- pipelens prefers UTF-8 columns (no conversion on either side) and speaks UTF-16 too.
    general = { positionEncodings = { 'utf-8', 'utf-16' } },
  },
}
