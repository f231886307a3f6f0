def handler(event, context):
    return "exported"
