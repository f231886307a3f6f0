exports.handler = async (event) => ({ ingested: event.Records ? event.Records.length : 0 });
