// The web UI in Chromium, served by `vigil server` together with its API (the suite is in ui-suite.ts).

import { uiSuite } from './ui-suite.js';

uiSuite('vigil');
