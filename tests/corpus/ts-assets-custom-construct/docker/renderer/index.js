exports.handler = async () => "<html></html>";
