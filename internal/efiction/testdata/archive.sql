-- MySQL dump 10.13  Distrib 5.0.51a, for debian-linux-gnu (i486)
--
-- Host: localhost    Database: harbour_archive
-- A fixture written for fanarchive's tests, shaped like an eFiction 3.5 dump.
-- ------------------------------------------------------

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8 */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;

--
-- Table structure for table `fanfiction_authors`
--

DROP TABLE IF EXISTS `fanfiction_authors`;
CREATE TABLE `fanfiction_authors` (
  `uid` int(11) NOT NULL auto_increment,
  `penname` varchar(200) NOT NULL default '',
  `realname` varchar(200) NOT NULL default '',
  `email` varchar(200) NOT NULL default '',
  `website` varchar(200) NOT NULL default '',
  `bio` text NOT NULL,
  `image` varchar(200) NOT NULL default '',
  `date` datetime NOT NULL default '0000-00-00 00:00:00',
  `admincreated` varchar(10) NOT NULL default '0',
  `password` varchar(40) NOT NULL default '0',
  PRIMARY KEY  (`uid`),
  KEY `penname` (`penname`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1;

LOCK TABLES `fanfiction_authors` WRITE;
/*!40000 ALTER TABLE `fanfiction_authors` DISABLE KEYS */;
INSERT INTO `fanfiction_authors` VALUES (1,'Wren Halloway','Wren H.','wren@tide.example.org','','Writes about lighthouses.','','2004-05-01 10:00:00','0','5f4dcc3b5aa765d61d8327deb882cf99'),(2,'Ohm Kessler','','ohm@lab7.example.net','http://lab7.example.net/','','','2004-06-11 08:30:00','0','0');
/*!40000 ALTER TABLE `fanfiction_authors` ENABLE KEYS */;
UNLOCK TABLES;

DROP TABLE IF EXISTS `fanfiction_categories`;
CREATE TABLE `fanfiction_categories` (
  `catid` int(11) NOT NULL auto_increment,
  `parentcatid` int(11) NOT NULL default '-1',
  `category` varchar(60) NOT NULL default '',
  `description` text NOT NULL,
  `image` varchar(100) NOT NULL default '',
  `locked` char(1) NOT NULL default '0',
  `leveldown` tinyint(4) NOT NULL default '0',
  `displayorder` int(11) NOT NULL default '0',
  `numitems` int(11) NOT NULL default '0',
  PRIMARY KEY  (`catid`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
INSERT INTO `fanfiction_categories` VALUES (1,-1,'Harbour Lights','The series.','','0',0,1,3),(2,1,'Lighthouse Era','Before the storm.','','0',1,1,1);

DROP TABLE IF EXISTS `fanfiction_characters`;
CREATE TABLE `fanfiction_characters` (
  `charid` int(11) NOT NULL auto_increment,
  `catid` int(11) NOT NULL default '0',
  `charname` varchar(60) NOT NULL default '',
  `bio` text NOT NULL,
  `image` varchar(200) NOT NULL default '',
  PRIMARY KEY  (`charid`)
);
INSERT INTO `fanfiction_characters` VALUES (1,1,'Mara Quill','',''),(2,1,'Tomas Reed','','');

CREATE TABLE `fanfiction_classtypes` (
  `classtype_id` int(11) NOT NULL auto_increment,
  `classtype_name` varchar(50) NOT NULL default '',
  `classtype_title` varchar(50) NOT NULL default '',
  PRIMARY KEY  (`classtype_id`),
  KEY `classtype_title` (`classtype_title`)
);
INSERT INTO `fanfiction_classtypes` VALUES (1,'genres','Genres'),(2,'warnings','Warnings'),(3,'pairings','Pairings');

CREATE TABLE `fanfiction_classes` (
  `class_id` int(11) NOT NULL auto_increment,
  `class_type` int(11) NOT NULL default '0',
  `class_name` varchar(100) NOT NULL default '',
  PRIMARY KEY  (`class_id`)
);
INSERT INTO `fanfiction_classes` VALUES (1,1,'Angst'),(2,1,'Romance'),(3,2,'Character Death'),(4,2,'Language'),(5,3,'Mara/Tomas');

CREATE TABLE `fanfiction_ratings` (
  `rid` int(11) NOT NULL auto_increment,
  `rating` varchar(60) NOT NULL default '',
  `ratingwarning` char(1) NOT NULL default '0',
  `warningtext` text NOT NULL,
  PRIMARY KEY  (`rid`)
);
INSERT INTO `fanfiction_ratings` VALUES (1,'G','0',''),(2,'PG-13','0',''),(3,'NC-17','1','Adults only.'),(4,'Frobnicated','0','');

CREATE TABLE `fanfiction_stories` (
  `sid` int(11) NOT NULL auto_increment,
  `title` varchar(200) NOT NULL default '',
  `summary` text,
  `storynotes` text,
  `catid` varchar(100) NOT NULL default '0',
  `classes` varchar(200) default NULL,
  `charid` varchar(250) NOT NULL default '0',
  `rid` varchar(25) NOT NULL default '0',
  `date` datetime NOT NULL default '0000-00-00 00:00:00',
  `updated` datetime NOT NULL default '0000-00-00 00:00:00',
  `uid` int(11) NOT NULL default '0',
  `coauthors` varchar(200) default NULL,
  `featured` char(1) NOT NULL default '0',
  `validated` char(1) NOT NULL default '0',
  `completed` char(1) NOT NULL default '0',
  `rr` char(1) NOT NULL default '0',
  `wordcount` int(11) NOT NULL default '0',
  `rating` tinyint(4) NOT NULL default '0',
  `reviews` smallint(6) NOT NULL default '0',
  `count` int(11) NOT NULL default '0',
  `challenges` varchar(200) NOT NULL default '0',
  PRIMARY KEY  (`sid`),
  KEY `title` (`title`)
);
INSERT INTO `fanfiction_stories` VALUES (1,'Salt Lines','Mara keeps the light; Tomas keeps <i>count</i>.','Written for the \'04 challenge.','2','1,3,5','1,2','2','2004-07-01 12:00:00','2004-08-15 09:30:00',1,'1','0','1','1','0',999,0,2,57,'0'),(2,'The Lamp Room','A night in the lamp room.',NULL,'1','2,4','1','3','2005-01-02 03:04:05','2005-01-02 03:04:05',2,'0','0','1','0','0',0,0,0,12,'0'),(3,'Unfinished Draft','Not yet approved.','','1','','','1','2005-02-02 00:00:00','2005-02-02 00:00:00',1,'0','0','0','0','0',10,0,0,0,'0');
INSERT INTO `fanfiction_stories` VALUES (4,'Café Noël','Un récit d’hiver.','','1','2','2','1','2003-12-24 20:00:00','2003-12-25 08:00:00',2,'0','0','1','1','0',5,0,0,3,'0');
INSERT INTO `fanfiction_stories` VALUES (5,'Broken Row','missing most of its values');

CREATE TABLE `fanfiction_chapters` (
  `chapid` int(11) NOT NULL auto_increment,
  `title` varchar(250) NOT NULL default '',
  `inorder` int(11) NOT NULL default '0',
  `notes` text NOT NULL,
  `storytext` text NOT NULL,
  `endnotes` text,
  `validated` char(1) NOT NULL default '0',
  `wordcount` int(11) NOT NULL default '0',
  `rating` tinyint(4) NOT NULL default '0',
  `reviews` smallint(6) NOT NULL default '0',
  `sid` int(11) NOT NULL default '0',
  `uid` int(11) NOT NULL default '0',
  `count` int(11) NOT NULL default '0',
  PRIMARY KEY  (`chapid`),
  KEY `sid` (`sid`)
);
INSERT INTO `fanfiction_chapters` (`chapid`, `title`, `inorder`, `notes`, `storytext`, `endnotes`, `validated`, `wordcount`, `rating`, `reviews`, `sid`, `uid`, `count`) VALUES
(2,'Low Tide',2,'','<p>The tide went out and took the boats\' shadows with it.</p>\r\n<script>alert("steal")</script>\r\n<p>Tomas counted them anyway: one, two, three.</p>',NULL,'1',0,0,0,1,1,5),
(1,'High Water',1,'Chapter notes: thanks to my beta.','<p>Mara climbed the <b>ninety</b> steps.</p><p>"It\'s late," she said, and the lamp agreed.</p>','See you next week.','1',0,0,0,1,1,9),
(3,'The Lamp Room',1,'','',NULL,'1',0,0,0,2,2,4),
(5,'Draft Chapter',1,'','Never approved.',NULL,'0',0,0,0,3,1,0);
INSERT INTO `fanfiction_chapters` VALUES (4,'Premier',1,'','La neige tombait sur le café.\n\nNoël était là.',NULL,'1',0,0,0,4,2,3);

CREATE TABLE `fanfiction_coauthors` (
  `sid` int(11) NOT NULL default '0',
  `uid` int(11) NOT NULL default '0',
  PRIMARY KEY  (`sid`,`uid`)
);
INSERT INTO `fanfiction_coauthors` VALUES (1,2);

CREATE TABLE `fanfiction_series` (
  `seriesid` int(11) NOT NULL auto_increment,
  `title` varchar(200) NOT NULL default '',
  `summary` text,
  `uid` int(11) NOT NULL default '0',
  `isopen` tinyint(4) NOT NULL default '0',
  `catid` varchar(200) NOT NULL default '0',
  `classes` varchar(200) default NULL,
  `characters` varchar(250) NOT NULL default '',
  `rating` tinyint(4) NOT NULL default '0',
  `warnings` varchar(250) NOT NULL default '',
  `genres` varchar(250) NOT NULL default '',
  `numstories` int(11) NOT NULL default '0',
  `challenges` varchar(200) NOT NULL default '',
  PRIMARY KEY  (`seriesid`)
);
INSERT INTO `fanfiction_series` VALUES (1,'Harbour Tales','Stories of the harbour.',1,0,'1','','','0','','',2,'');

CREATE TABLE `fanfiction_inseries` (
  `seriesid` int(11) NOT NULL default '0',
  `sid` int(11) NOT NULL default '0',
  `subseriesid` int(11) NOT NULL default '0',
  `confirmed` int(11) NOT NULL default '0',
  `inorder` int(11) NOT NULL default '0',
  `updated` datetime NOT NULL default '0000-00-00 00:00:00',
  PRIMARY KEY  (`sid`,`seriesid`,`subseriesid`)
);
INSERT INTO `fanfiction_inseries` VALUES (1,1,0,1,1,'2004-08-15 09:30:00'),(1,2,0,1,2,'2005-01-02 03:04:05');

CREATE TABLE `fanfiction_reviews` (
  `reviewid` int(11) NOT NULL auto_increment,
  `item` int(11) NOT NULL default '0',
  `chapid` int(11) NOT NULL default '0',
  `reviewer` varchar(60) NOT NULL default '0',
  `review` text NOT NULL,
  `uid` int(11) NOT NULL,
  `date` datetime NOT NULL default '0000-00-00 00:00:00',
  `rating` int(11) NOT NULL default '0',
  `respond` char(1) NOT NULL default '0',
  `type` char(2) NOT NULL default 'ST',
  PRIMARY KEY  (`reviewid`)
);
# a hash comment, as some dumps have
INSERT INTO `fanfiction_reviews` VALUES (1,1,1,'Kelp','Loved the lamp!',0,'2004-07-02 10:00:00',5,'0','ST'),(2,1,2,'Ohm Kessler','The tide scene \\o/',2,'2004-08-16 10:00:00',-1,'0','ST'),(3,1,0,'Kelp','Whole series is great',0,'2005-01-03 10:00:00',0,'0','SE');
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
-- Dump completed on 2005-03-01 12:00:00
