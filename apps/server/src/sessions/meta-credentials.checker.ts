// Moved to whatsapp/meta-cloud, the only module that knows Graph URLs. This re-export lasts until
// whatsapp.module.ts imports from there; then delete this file.
export {
  META_GRAPH_OPTIONS,
  metaGraphOptionsFromEnv,
} from '../whatsapp/meta-cloud/meta-graph.client';
