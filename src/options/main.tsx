import { mountPage } from '../ui/boot.tsx';
import { Options } from './Options.tsx';

void mountPage(Options, 'optionsDocumentTitle', 'page-options');
