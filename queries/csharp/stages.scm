; Extra ways to add a stage to a pipeline, beyond `addStage`/`addWave`, which the engine
; understands natively. Ship-empty on purpose: teams add their own wrapper functions through
; the `queryPath` setting (see queries/README.md). Captures:
;   @stage          the call that adds a stage (its range is where diagnostics point)
;   @stage.id       the stage id expression
;   @stage.account  the account expression (optional)
;   @stage.region   the region expression (optional)
;   @stage.wave     the wave id expression (optional)
