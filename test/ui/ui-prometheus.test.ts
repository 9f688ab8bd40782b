// The same browser suite with the UI in front of the real Prometheus 2.42 API: the UI needs nothing Vigil-only.

import { uiSuite } from './ui-suite.js';

uiSuite('prometheus');
