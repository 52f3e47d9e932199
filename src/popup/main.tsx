import { mountPage } from '../ui/boot.tsx';
import { Popup } from './Popup.tsx';

void mountPage(Popup, 'extName', 'page-popup');
