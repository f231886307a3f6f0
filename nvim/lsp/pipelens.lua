-- The pipelens language server for Neovim 0.11+: `vim.lsp.enable('pipelens')` starts it for
-- Python, TypeScript and JavaScript buffers of a CDK app. Override any field with
-- `vim.lsp.config('pipelens', { ... })` or `require('pipelens').setup({ ... })`.

---@type vim.lsp.Config
return {
  cmd = { 'pipelens', 'serve' },
  filetypes = { 'python', 'typescript', 'javascript', 'java', 'cs', 'go' },
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
    -- The server asks for the lenses again when they change without an edit (the deployed
    -- pipeline was read, a synth ended): answered by the handler below.
    workspace = { codeLens = { refreshSupport = true } },
  },
  handlers = {
    -- Neovim 0.11 has no handler of its own for this request: the lenses of every buffer the
    -- client is attached to are asked for again (the plugin draws them; see :h pipelens).
    ['workspace/codeLens/refresh'] = function(_, _, ctx)
      local ok, pipelens = pcall(require, 'pipelens')
      if ok and pipelens.options.codelens ~= false then
        for _, buf in ipairs(vim.lsp.get_buffers_by_client_id(ctx.client_id)) do
          if vim.api.nvim_buf_is_loaded(buf) then
            pcall(vim.lsp.codelens.refresh, { bufnr = buf })
          end
        end
      end
      return vim.NIL
    end,
  },
}
