// The local runtime's Node 20 shims and settings, for every suite.
import '../infra/local/preamble.js';
