def handler(event, context):
    return {"audited": True}
