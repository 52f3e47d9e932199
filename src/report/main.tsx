import { mountPage } from '../ui/boot.tsx';
import { Report } from './Report.tsx';

void mountPage(Report, 'reportDocumentTitle', 'page-report');
