export * from './config';
export * from './pipeline-stack';
